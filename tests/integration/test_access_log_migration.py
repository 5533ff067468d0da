"""Migration 0010 chains the access log's existing rows, and goes down and up again."""

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

import tests.conftest as conftest
from matching.audit import verify_access_log
from matching.db import get_engine
from matching.migrations import alembic_config, upgrade


@pytest.fixture(params=["sqlite"] + (["postgres"] if conftest.POSTGRES_URL else []))
def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "postgres":
        assert conftest.POSTGRES_URL
        return conftest._reset_postgres(conftest.POSTGRES_URL, create=False)
    return f"sqlite:///{tmp_path / 'migrated.sqlite'}"


def _reads_before_0010(url: str, count: int) -> None:
    """A client of a care provider and `count` reads of it, as 0009's log recorded them."""
    with get_engine(url).begin() as connection:
        connection.execute(text(
            "INSERT INTO organisation (id, name, kind, active) "
            "VALUES (1, 'Lister', 'care_provider', true)"))
        connection.execute(text(
            "INSERT INTO app_user (id, email, organisation_id, role, contingent_manager, active, "
            "language, created_at) VALUES (1, 'a@lister.example', 1, 'care_provider', false, "
            "true, 'nl', :at)"), {"at": datetime(2026, 1, 5, tzinfo=UTC)})
        connection.execute(text(
            "INSERT INTO target_group (code, label_nl, label_en, phase, sort_order) "
            "VALUES ('mobw_uitstroom', 'MO/BW', 'MO/BW', 'uitstroom', 1)"))
        connection.execute(text(
            "INSERT INTO client (id, care_provider_id, reference, target_group, adults, "
            "children, birth_year, annual_income, needs, excluded_wijken, preferred_wijken, "
            "flip_lease_ok, support_confirmed, phase, registered_on, state, version, "
            "created_at) VALUES (1, 1, 'R-1', 'mobw_uitstroom', 1, 0, 1980, 15000, '[]', "
            "'[]', '[]', false, false, 'uitstroom', '2026-01-05', 'registered', 1, :at)"),
            {"at": datetime(2026, 1, 5, tzinfo=UTC)})
        for n in range(count):
            connection.execute(text(
                "INSERT INTO access_log (at, user_id, organisation_id, client_id, purpose) "
                "VALUES (:at, 1, 1, 1, :purpose)"),
                {"at": datetime(2026, 1, 6, 9, n, 30, 123456, tzinfo=UTC),
                 "purpose": f"client page {n}"})


def test_0010_chains_the_rows_written_before_it_as_reads(empty_database_url: str):
    url = empty_database_url
    upgrade(url, "0009")
    _reads_before_0010(url, 5)
    upgrade(url, "0010")
    with Session(get_engine(url)) as session:
        verdict = verify_access_log(session)
        rows = session.exec(text(  # type: ignore[call-overload]
            "SELECT seq, action, role, access_point, purpose FROM access_log ORDER BY seq"
        )).all()
    assert verdict.intact and verdict.rows == 5
    assert [tuple(r) for r in rows] == [
        (n + 1, "read", "", "not recorded", f"client page {n}") for n in range(5)]


def test_0010_goes_down_to_the_old_log_and_up_again(empty_database_url: str):
    url = empty_database_url
    upgrade(url, "0009")
    _reads_before_0010(url, 2)
    upgrade(url, "0010")
    command.downgrade(alembic_config(url), "0009")
    columns = {c["name"] for c in inspect(get_engine(url)).get_columns("access_log")}
    assert columns == {"id", "at", "user_id", "organisation_id", "client_id", "purpose"}
    keys = inspect(get_engine(url)).get_foreign_keys("access_log")
    assert any(k["referred_table"] == "client" for k in keys)
    with get_engine(url).begin() as connection:  # the trigger went with the chain
        connection.execute(text("UPDATE access_log SET purpose = 'p'"))
    upgrade(url, "0010")
    with Session(get_engine(url)) as session:
        assert verify_access_log(session).rows == 2


@pytest.mark.skipif(not conftest.POSTGRES_URL, reason="needs PostgreSQL")
def test_0010_makes_postgresql_refuse_to_change_the_log():
    assert conftest.POSTGRES_URL
    url = conftest._reset_postgres(conftest.POSTGRES_URL, create=False)
    upgrade(url, "0009")
    _reads_before_0010(url, 1)
    upgrade(url, "0010")
    for statement in ("UPDATE access_log SET purpose = 'p'", "DELETE FROM access_log",
                      "TRUNCATE access_log"):
        with get_engine(url).begin() as connection, pytest.raises(DBAPIError,
                                                                   match="append-only"):
            connection.execute(text(statement))
    with Session(get_engine(url)) as session:
        assert verify_access_log(session).rows == 1
