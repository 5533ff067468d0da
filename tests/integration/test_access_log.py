"""The access log as NEN 7513 expects: a row per access with who, what, why and from where,
hash-chained so that `audit verify` finds a changed, removed or inserted row; appended
without forks by concurrent writers; refused by PostgreSQL when changed; and a read that
cannot be logged is refused."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, col, func, select

from matching.audit import AccessNotRecorded, on_command_line, verify_access_log
from matching.audit import record as audit_record
from matching.audit.chain import digest
from matching.db import get_engine
from matching.models import AccessLog
from matching.services.clients import (
    approve_client,
    hold_client,
    log_client_reads,
    read_client,
    update_client,
)
from matching.services.errors import ValidationFailed
from matching.services.imports import import_clients
from matching.vocabulary import as_utc, utcnow
from tests import conftest
from tests.factories import ClientData
from tests.races import race
from tests.world import World


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def log_rows(session: Session, client_id: int | None = None) -> list[AccessLog]:
    """The log's rows (of one client), in chain order, read in a fresh session."""
    with Session(session.get_bind()) as fresh:
        query = select(AccessLog).order_by(col(AccessLog.seq))
        if client_id is not None:
            query = query.where(AccessLog.client_id == client_id)
        return list(fresh.exec(query))


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@contextmanager
def tampering(session: Session) -> Iterator[Any]:
    """A connection that may change the log behind the application's back: on PostgreSQL
    only by first disabling its trigger, as the table's owner could."""
    with session.get_bind().connect() as connection:  # type: ignore[union-attr]
        if _is_postgres(session):
            connection.execute(text("ALTER TABLE access_log DISABLE TRIGGER USER"))
        yield connection
        if _is_postgres(session):
            connection.execute(text("ALTER TABLE access_log ENABLE TRIGGER USER"))
        connection.commit()


def _reads(world: World, count: int) -> list[int]:
    """`count` clients of Lister, each read once by the matcher; returns their ids."""
    clients = [world.waiting() for _ in range(count)]
    for client in clients:
        read_client(world.session, client_id=client.id, actor=world.matcher, purpose="review")
    return [c.id for c in clients if c.id is not None]


# --- what a row holds ---------------------------------------------------------------------------


def test_a_read_records_when_who_what_why_and_from_where(world: World):
    client = world.waiting()
    with on_command_line("matching test") as origin:
        read_client(world.session, client_id=client.id, actor=world.matcher, purpose="review")
    [read] = [row for row in log_rows(world.session, client.id) if row.action == "read"]
    assert (read.user_id, read.role, read.organisation_id, read.purpose) == (
        world.matcher.id, "matcher", world.matcher.organisation_id, "review")
    assert (read.access_point, read.request_id) == ("cli matching test", origin.request_id)
    assert "annual_income" in read.fields_touched.split(",")
    assert abs(as_utc(read.at) - utcnow()) < timedelta(minutes=5)  # stored in UTC


def test_registering_editing_and_changing_state_are_logged_with_the_fields_touched(
    world: World,
):
    client = world.registered()
    update_client(world.session, client_id=client.id, actor=world.lister,
                  data=ClientData(reference=client.reference, annual_income=17_500,
                                  children=2))
    world.session.refresh(client)
    rows = log_rows(world.session, client.id)
    assert [(r.action, r.user_id) for r in rows] == [
        ("create", world.lister.id), ("change", world.lister.id)]
    assert {"reference", "annual_income", "birth_year"} <= set(rows[0].fields_touched.split(","))
    assert set(rows[1].fields_touched.split(",")) == {"annual_income", "children"}

    world.session.expire_all()
    approve_client(world.session, client_id=client.id, actor=world.matcher)
    hold_client(world.session, client_id=client.id, actor=world.lister, reason="opname")
    changes = [(r.action, r.user_id, r.purpose, r.fields_touched)
               for r in log_rows(world.session, client.id)[2:]]
    assert changes == [
        ("change", world.matcher.id, "client approve", "waiting_since,state"),
        ("change", world.lister.id, "client hold", "state"),
    ]


def test_an_edit_that_changes_nothing_is_not_logged_as_a_change(world: World):
    client = world.registered(reference="SAME-1")
    before = len(log_rows(world.session, client.id))
    update_client(world.session, client_id=client.id, actor=world.lister,
                  data=ClientData(reference="SAME-1"))
    assert len(log_rows(world.session, client.id)) == before


def test_importing_clients_logs_the_creation_of_each(world: World):
    rows = [{k: v for k, v in ClientData(reference=f"IMP-{n}").items()
             if not isinstance(v, list)} for n in range(3)]
    created = import_clients(world.session, rows=rows, actor=world.lister)
    logged = {(r.client_id, r.action) for r in log_rows(world.session)}
    assert {(c.id, "create") for c in created} <= logged
    assert len(created) == 3


def test_a_change_another_service_makes_to_the_client_is_logged_for_its_user(world: World):
    dwelling = world.submitted()
    client = world.waiting()
    proposal = world.propose(dwelling, [client])
    world.decide(proposal, client, "accept")
    changes = [(r.action, r.user_id, r.purpose) for r in log_rows(world.session, client.id)
               if r.purpose in ("client propose", "client match")]
    assert changes == [("change", world.matcher.id, "client propose"),
                       ("change", world.portaal.id, "client match")]


# --- the hash chain -----------------------------------------------------------------------------


def test_verify_finds_an_untouched_log_intact_and_names_its_end(world: World):
    _reads(world, 3)
    rows = log_rows(world.session)
    assert len(rows) >= 9  # creations, approvals and reads
    verdict = verify_access_log(world.session)
    assert verdict.intact
    assert (verdict.rows, verdict.last_seq, verdict.last_hash) == (
        len(rows), rows[-1].seq, rows[-1].row_hash)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:], strict=False))


def test_verify_names_a_row_whose_purpose_was_changed(world: World):
    _reads(world, 3)
    victim = log_rows(world.session)[4]
    with tampering(world.session) as connection:
        connection.execute(text("UPDATE access_log SET purpose = 'nothing to see' "
                                "WHERE id = :id"), {"id": victim.id})
    verdict = verify_access_log(world.session)
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.row_id) == (victim.seq, victim.id)
    assert "changed" in verdict.broken.problem
    assert verdict.last_seq == victim.seq - 1


def test_verify_names_a_changed_row_even_when_its_own_hash_was_recomputed(world: World):
    _reads(world, 2)
    rows = log_rows(world.session)
    victim, after = rows[3], rows[4]
    values = {name: getattr(victim, name) for name in AccessLog.model_fields}
    values["user_id"] = None
    with tampering(world.session) as connection:
        connection.execute(text("UPDATE access_log SET user_id = NULL, row_hash = :h "
                                "WHERE id = :id"), {"h": digest(values), "id": victim.id})
    broken = verify_access_log(world.session).broken
    assert broken is not None and broken.seq == after.seq
    assert "link" in broken.problem


def test_verify_names_the_row_after_a_removed_one(world: World):
    _reads(world, 3)
    rows = log_rows(world.session)
    removed, after = rows[5], rows[6]
    with tampering(world.session) as connection:
        connection.execute(text("DELETE FROM access_log WHERE id = :id"), {"id": removed.id})
    broken = verify_access_log(world.session).broken
    assert broken is not None
    assert (broken.seq, broken.row_id) == (after.seq, after.id)
    assert f"row {removed.seq} is missing" in broken.problem


def test_verify_names_a_row_slipped_in_between_two_rows(world: World):
    _reads(world, 2)
    rows = log_rows(world.session)
    position = rows[3]
    # A forger who knows the digest: a well-formed row linked to the one before, and the
    # rows after it moved up one place to make room.
    forged = {name: getattr(position, name) for name in AccessLog.model_fields
              if name not in ("id", "row_hash")}
    forged.update(purpose="forged", prev_hash=rows[2].row_hash)
    forged["row_hash"] = digest(forged)
    with tampering(world.session) as connection:
        for row in reversed(rows[3:]):
            connection.execute(text("UPDATE access_log SET seq = seq + 1 WHERE id = :id"),
                               {"id": row.id})
        connection.execute(AccessLog.__table__.insert().values(**forged))  # type: ignore[attr-defined]
    broken = verify_access_log(world.session).broken
    assert broken is not None
    assert (broken.seq, broken.row_id) == (position.seq + 1, position.id)


def test_verify_names_a_row_added_at_the_end_outside_the_chain(world: World):
    _reads(world, 1)
    last = log_rows(world.session)[-1]
    added = {name: getattr(last, name) for name in AccessLog.model_fields if name != "id"}
    added.update(seq=last.seq + 1, purpose="added by hand")  # copies the last row's hashes
    with tampering(world.session) as connection:
        connection.execute(AccessLog.__table__.insert().values(**added))  # type: ignore[attr-defined]
    broken = verify_access_log(world.session).broken
    assert broken is not None and broken.seq == last.seq + 1
    assert "link" in broken.problem


# --- appending: at commit, in one batch, without forks --------------------------------------


def test_noted_reads_are_written_at_commit_and_dropped_with_a_rollback(world: World):
    client = world.waiting()
    before = len(log_rows(world.session))
    log_client_reads(world.session, actor=world.matcher, client_ids=[client.id],
                     purpose="looked and rolled back")
    world.session.rollback()
    world.session.commit()
    assert len(log_rows(world.session)) == before
    log_client_reads(world.session, actor=world.matcher, client_ids=[client.id],
                     purpose="looked")
    world.session.commit()
    assert [r.purpose for r in log_rows(world.session)[before:]] == ["looked"]


def test_a_bulk_load_appends_its_committed_reads_in_order_when_it_ends(world: World):
    """The demo's build holds its rows back (matching/audit/record.deferred): nothing is
    written meanwhile, a rolled-back read is dropped, and the chain holds afterwards."""
    client = world.waiting()
    before = len(log_rows(world.session))
    with audit_record.deferred(world.session):
        for purpose in ("first", "dropped", "second"):
            log_client_reads(world.session, actor=world.matcher, client_ids=[client.id],
                             purpose=purpose)
            if purpose == "dropped":
                world.session.rollback()
            else:
                world.session.commit()
        assert len(log_rows(world.session)) == before
    assert [r.purpose for r in log_rows(world.session)[before:]] == ["first", "second"]
    assert verify_access_log(world.session).intact


def test_a_refused_service_writes_no_log_row(world: World):
    client = world.waiting()
    before = len(log_rows(world.session))
    with pytest.raises(ValidationFailed):
        update_client(world.session, client_id=client.id, actor=world.lister,
                      data=ClientData(adults=0))
    assert len(log_rows(world.session)) == before


def test_logging_a_page_of_fifty_clients_costs_three_statements_not_fifty(world: World):
    ids = [world.registered().id for _ in range(50)]
    matcher = world.matcher
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = world.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        log_client_reads(world.session, actor=matcher, client_ids=ids, purpose="list")
        world.session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # The chain's lock, its last row, one multi-row INSERT (and the COMMIT on some drivers).
    work = [s for s in statements if s.strip().upper() not in ("COMMIT", "BEGIN")]
    assert len(work) == 3, work
    assert len(log_rows(world.session)) >= 50
    assert verify_access_log(world.session).intact


def test_a_read_that_cannot_be_logged_is_refused_and_leaves_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch,
):
    client = world.waiting()
    before = len(log_rows(world.session))

    def broken_log(*_args: Any) -> None:
        raise OperationalError("INSERT INTO access_log", {}, Exception("disk full"))

    monkeypatch.setattr("matching.audit.record.append", broken_log)
    with pytest.raises(AccessNotRecorded):
        read_client(world.session, client_id=client.id, actor=world.matcher, purpose="review")
    monkeypatch.undo()
    world.session.commit()  # the refused read's row is not written later either
    assert len(log_rows(world.session)) == before


def test_concurrent_writers_take_turns_and_never_fork_the_chain(world: World):
    clients = [world.waiting() for _ in range(3)]
    ids = [c.id for c in clients if c.id is not None]
    matcher = world.matcher
    url = str(world.session.get_bind().url.render_as_string(hide_password=False))  # type: ignore[union-attr]
    before = len(log_rows(world.session))
    writers, commits = 8, 4

    def writer() -> int:
        with Session(get_engine(url), expire_on_commit=False) as session:
            for n in range(commits):
                log_client_reads(session, actor=matcher, client_ids=ids, purpose=f"race {n}")
                session.commit()
        return commits

    assert race(*[writer] * writers) == [commits] * writers
    rows = log_rows(world.session)
    assert len(rows) == before + writers * commits * len(ids)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert verify_access_log(world.session).intact


# --- PostgreSQL refuses to change the log ------------------------------------------------------


@pytest.mark.skipif(not conftest.POSTGRES_URL, reason="needs PostgreSQL")
@pytest.mark.parametrize("statement", [
    "UPDATE access_log SET purpose = 'x'",
    "DELETE FROM access_log",
    "TRUNCATE access_log",
])
def test_postgresql_refuses_to_change_or_remove_log_rows(pg_url: str, statement: str):
    with Session(get_engine(pg_url)) as session:
        world = World(session)
        _reads(world, 1)
        count = session.exec(select(func.count()).select_from(AccessLog)).one()
        assert count >= 3
        with pytest.raises(DBAPIError, match="append-only"):
            session.exec(text(statement))  # type: ignore[call-overload]
        session.rollback()
        assert session.exec(select(func.count()).select_from(AccessLog)).one() == count
        assert verify_access_log(session).intact
