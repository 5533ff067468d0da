"""The migrated schema holds every partial index and check constraint the models declare.

Alembic's comparison (tests/integration/test_migrations.py) sees an index's columns but not its
WHERE clause, and no check constraint at all: a partial unique index written without its
condition, or a check the migrations forgot, would pass it. Here the database's own text of
each is compared between a schema built from the models and one built by the migrations, so
both sides are normalised by the same server.
"""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import CheckConstraint, Engine, Index, text
from sqlmodel import SQLModel

import tests.conftest as conftest
from matching.db import get_engine
from matching.migrations import upgrade


def _declared_partial_indexes() -> dict[str, str]:
    """Name → table of every index the models give a WHERE clause (on either database)."""
    found = {}
    for table in SQLModel.metadata.tables.values():
        for index in table.indexes:
            assert isinstance(index, Index)
            options = index.dialect_options
            if options["postgresql"].get("where") is not None or \
                    options["sqlite"].get("where") is not None:
                assert index.name
                found[str(index.name)] = table.name
    return found


def _declared_checks() -> dict[str, str]:
    """Name → table of every named check constraint the models declare."""
    found = {}
    for table in SQLModel.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint) and isinstance(constraint.name, str):
                found[constraint.name] = table.name
    return found


def _squeeze(sql: str, schema: str | None = None) -> str:
    """One spelling for the same definition: no quotes, case, spacing or schema prefix."""
    if schema:
        sql = sql.replace(f'"{schema}".', "").replace(f"{schema}.", "")
    return re.sub(r"\s+", "", sql.replace('"', "").replace("`", "")).lower()


def _sqlite_definitions(engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    """Index name → its CREATE INDEX text; check name → its CHECK text, from sqlite_master."""
    indexes, checks = {}, {}
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")).all()
    for kind, name, sql in rows:
        if kind == "index":
            indexes[name] = _squeeze(sql)
        elif kind == "table":
            for check_name, body in re.findall(
                    r'CONSTRAINT\s+"?(\w+)"?\s+CHECK\s*(\((?:[^()]|\([^()]*\))*\))', sql):
                checks[check_name] = _squeeze(body)
    return indexes, checks


def _postgres_definitions(engine: Engine, schema: str) -> tuple[dict[str, str], dict[str, str]]:
    """Index name → pg_indexes.indexdef; check name → pg_get_constraintdef, in `schema`."""
    with engine.connect() as connection:
        index_rows = connection.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = :schema"),
            {"schema": schema}).all()
        check_rows = connection.execute(text(
            "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE n.nspname = :schema AND c.contype = 'c'"), {"schema": schema}).all()
    return ({name: _squeeze(sql, schema) for name, sql in index_rows},
            {name: _squeeze(sql, schema) for name, sql in check_rows})


@pytest.fixture(params=["sqlite"] + (["postgres"] if conftest.POSTGRES_URL else []))
def definitions(request: pytest.FixtureRequest, tmp_path
                ) -> Iterator[tuple[tuple[dict[str, str], dict[str, str]],
                                    tuple[dict[str, str], dict[str, str]]]]:
    """(from the models, from the migrations): each a pair of index and check definitions."""
    if request.param == "sqlite":
        modelled = get_engine(f"sqlite:///{tmp_path / 'modelled.sqlite'}")
        SQLModel.metadata.create_all(modelled)
        migrated_url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        upgrade(migrated_url)
        yield _sqlite_definitions(modelled), _sqlite_definitions(get_engine(migrated_url))
        return
    assert conftest.POSTGRES_URL
    # The models' schema first (the shared fixture creates it), read, then dropped and migrated
    # in the same schema, so the definitions name the same schema on both sides.
    url = conftest._reset_postgres(conftest.POSTGRES_URL)
    _, schema = conftest.postgres_schema_url(conftest.POSTGRES_URL)
    from_models = _postgres_definitions(get_engine(url), schema)
    url = conftest._reset_postgres(conftest.POSTGRES_URL, create=False)
    upgrade(url)
    yield from_models, _postgres_definitions(get_engine(url), schema)


def test_the_models_declare_partial_indexes_and_checks_to_compare():
    # Guards the test below against comparing nothing.
    assert "uq_dwelling_matched_client" in _declared_partial_indexes()
    assert "uq_candidate_pending_client" in _declared_partial_indexes()
    assert "ck_client_waiting_has_start" in _declared_checks()


def test_the_migrated_schema_has_every_partial_index_and_check_with_its_condition(definitions):
    (model_indexes, model_checks), (migrated_indexes, migrated_checks) = definitions
    partial, checks = _declared_partial_indexes(), _declared_checks()
    for name, table in partial.items():
        assert name in model_indexes, f"{name} on {table}: not built from the models"
        assert "where" in model_indexes[name], f"{name} on {table}: built without its condition"
        assert name in migrated_indexes, f"{name} on {table}: no migration creates it"
        assert migrated_indexes[name] == model_indexes[name], (
            f"{name} on {table}: the migrations build {migrated_indexes[name]!r}, "
            f"the models {model_indexes[name]!r}")
    for name, table in checks.items():
        assert name in model_checks, f"{name} on {table}: not built from the models"
        assert name in migrated_checks, f"{name} on {table}: no migration creates it"
        assert migrated_checks[name] == model_checks[name], (
            f"{name} on {table}: the migrations build {migrated_checks[name]!r}, "
            f"the models {model_checks[name]!r}")
