"""The ledger of late changes (matching/late_changes.py): which writes reach back into the
past, and that a report recomputes exactly the closed quarters they reached, finding the
same corrections as recomputing every closed quarter would."""

import threading
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import Session, SQLModel, select

from matching import late_changes
from matching.db import get_engine
from matching.late_changes import HISTORY, REFERENCE, REPORT_INPUTS, UNREAD
from matching.models import (
    Client,
    ClientEvent,
    ClosedQuarter,
    District,
    LateChange,
    Lease,
    LeaseEvent,
    TargetGroup,
)
from matching.reports import build, quarter_report
from matching.services.clients import withdraw_client
from matching.services.closing import close_quarter
from matching.services.leases import register_institution_lease
from matching.vocabulary import as_utc, utcnow
from matching.workdays import local_date
from tests import conftest
from tests.integration.test_quarter_history import move_on, world  # noqa: F401
from tests.integration.test_reports import at, quarter_with_one_letting  # noqa: F401
from tests.races import race

# --- the declaration of what the reports read -------------------------------------------------


def test_every_table_is_placed_once():
    placed = [
        *(model.__tablename__ for model in HISTORY),
        *(model.__tablename__ for model in REPORT_INPUTS),
        *REFERENCE, *UNREAD,
    ]
    assert len(placed) == len(set(placed)), "a table is placed twice"
    assert set(SQLModel.metadata.tables) - set(placed) == set(), (
        "place every new table in matching/late_changes.py")
    for model, columns in REPORT_INPUTS.items():
        assert columns <= set(model.__table__.columns.keys()), model.__name__


# A value unlike any a row holds, per column type: set on every row of a column the reports
# do not read, it must leave every figure as it was.
def _other_value(column: Any) -> Any:
    kind_of = getattr(column.type, "impl", column.type)  # sqlmodel's AutoString wraps a String
    try:
        kind = kind_of.python_type
    except NotImplementedError:  # JSON: lists of needs and districts
        kind = list
    if column.foreign_keys:
        return None if column.nullable else _NOT_CHANGED
    if kind is bool:
        return ~column
    if kind in (int, float, Decimal):
        return column + 7
    if kind is datetime:
        return datetime(2001, 2, 3, 12, 0)
    if kind is date:
        return date(2001, 2, 3)
    if kind is str:
        return column.concat("z")  # each row its own value, as unique ones must be
    return ["zz"]


_NOT_CHANGED = object()
# Columns whose value the database ties to other rows or to the state (a check constraint),
# and the state itself, which the reports read from the history; the version counter.
_FIXED = {"id", "state", "version"}


def _reports(session: Any, users: dict) -> list[dict[str, Any]]:
    found = []
    for reader in ("matcher", "analyst", "mitros"):
        for quarter in ("2019Q3", "2019Q4", "2021Q2"):
            report = quarter_report(session, quarter=quarter, actor=users[reader],
                                    today=date(2022, 1, 1))
            report.pop("generated_at")
            found.append(report)
    return found


def test_the_columns_the_reports_do_not_read_leave_every_figure_unchanged(world):  # noqa: F811
    session, users, things = world
    move_on(session, users, things)
    before = _reports(session, users)
    assert before[0]["quotas"] and before[0]["waiting"] and before[0]["matching"]["rounds"]
    changed = []
    for model, inputs in REPORT_INPUTS.items():
        table = model.__table__
        assert session.exec(select(model)).first() is not None, model.__name__
        for column in table.columns:
            if column.name in inputs or column.name in _FIXED:
                continue
            value = _other_value(column)
            if value is _NOT_CHANGED:
                continue
            savepoint = session.begin_nested()
            session.execute(update(table).values({column.name: value}))
            session.expire_all()
            assert _reports(session, users) == before, f"{table.name}.{column.name} is read"
            savepoint.rollback()
            changed.append(f"{table.name}.{column.name}")
    # The check ran over the columns that matter: incomes, needs, addresses, scores, dates.
    assert {"client.annual_income", "client.needs", "dwelling.rent", "dwelling.address",
            "candidate.score", "lease.end_on", "proposal.closed_at"} <= set(changed)


# --- what reaches back ----------------------------------------------------------------------


def _recorded_since(session: Any, last_id: int) -> list[LateChange]:
    return list(session.exec(select(LateChange).where(LateChange.id > last_id)
                             .order_by(LateChange.id)).all())


def test_history_written_as_it_happens_reaches_nowhere(world):  # noqa: F811
    session, users, things = world
    seen = late_changes.last_seen(session)
    withdraw_client(session, client_id=things["waiting"][0], reason="vertrokken",
                    actor=users["lister"], now=utcnow())
    assert _recorded_since(session, seen) == []


def test_history_recorded_with_an_earlier_date_reaches_back_to_that_day(world):  # noqa: F811
    session, users, things = world
    seen = late_changes.last_seen(session)
    withdraw_client(session, client_id=things["waiting"][0], reason="vertrokken",
                    actor=users["lister"], now=at(date(2019, 9, 20)))
    [change] = _recorded_since(session, seen)
    assert change.reaches_back_to == date(2019, 9, 20)
    assert "client_event" in change.tables.split(",")


def test_a_bulk_load_records_one_late_change_reaching_back_to_every_day(world):  # noqa: F811
    """The demo writes a year of history in thousands of flushes: one row says it all."""
    session, users, things = world
    seen = late_changes.last_seen(session)
    with late_changes.deferred(session):
        for client_id, day in zip(things["waiting"][:2], (date(2019, 9, 20), date(2019, 9, 23)),
                                  strict=True):
            withdraw_client(session, client_id=client_id, reason="vertrokken",
                            actor=users["lister"], now=at(day))
        assert _recorded_since(session, seen) == []
    [change] = _recorded_since(session, seen)
    assert change.reaches_back_to is None  # any day: every closed quarter is recomputed


def test_a_lease_registered_after_its_start_reaches_back_to_the_start(world):  # noqa: F811
    session, users, _things = world
    seen = late_changes.last_seen(session)
    register_institution_lease(session, care_provider_id=users["lister"].organisation_id,
                               address="Laat geregistreerd 1", start_on=date(2019, 3, 15),
                               actor=users["portaal"], now=utcnow())
    assert [c.reaches_back_to for c in _recorded_since(session, seen)] == [date(2019, 3, 15)]


def test_an_edit_reaches_back_to_the_rows_first_day_only_when_the_reports_read_the_field(
        world):  # noqa: F811
    session, _users, things = world
    client = session.get(Client, things["waiting"][0])
    first_event = session.exec(select(ClientEvent.at).where(ClientEvent.client_id == client.id)
                               .order_by(ClientEvent.at)).first()
    assert first_event is not None
    seen = late_changes.last_seen(session)
    client.annual_income += 1000  # not read by any report
    session.commit()
    assert _recorded_since(session, seen) == []
    client.target_group = session.exec(select(TargetGroup.code).where(
        TargetGroup.code != client.target_group)).first()
    session.commit()
    [change] = _recorded_since(session, seen)
    assert change.reaches_back_to is not None
    assert change.reaches_back_to <= local_date(as_utc(first_event))


def test_an_edit_of_reference_data_reaches_back_to_every_day(world):  # noqa: F811
    session, _users, _things = world
    seen = late_changes.last_seen(session)
    district = session.exec(select(District)).first()
    assert district is not None
    district.to_spare = not district.to_spare
    session.commit()
    [change] = _recorded_since(session, seen)
    assert change.reaches_back_to is None and change.tables == "district"


def test_erasing_an_events_free_text_reaches_nowhere_but_moving_a_review_date_does(
        world):  # noqa: F811
    session, _users, things = world
    event = session.exec(select(LeaseEvent).where(LeaseEvent.lease_id == things["lease"].id)
                         .order_by(LeaseEvent.id)).first()
    assert event is not None
    seen = late_changes.last_seen(session)
    event.data = {**event.data, "reason": None}
    session.commit()
    assert _recorded_since(session, seen) == []
    event.data = {**event.data, "review_on": "2030-01-01"}
    session.commit()
    [change] = _recorded_since(session, seen)
    assert change.reaches_back_to is None and change.tables == "lease_event"


# --- which closed quarters a report recomputes ---------------------------------------------


def _every_quarter_recomputed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger switched off: every closed quarter counts as reached."""
    monkeypatch.setattr(build, "reached_since_closing", lambda *args: True)


def _q4(session: Any, users: dict) -> list[dict[str, Any]]:
    return quarter_report(session, quarter="2019Q4", actor=users["matcher"],
                          today=date(2020, 1, 5))["corrections"]


def test_a_report_recomputes_only_the_closed_quarters_a_late_change_reached(
        world, monkeypatch):  # noqa: F811
    session, users, things = world
    close_quarter(session, quarter="2019Q2", actor=users["matcher"], now=at(date(2019, 7, 2)))
    close_quarter(session, quarter="2019Q3", actor=users["matcher"], now=at(date(2019, 10, 2)))
    move_on(session, users, things)  # history of October 2019 and later only
    assert build.to_recompute(session, build.parse_quarter("2019Q4")) == []
    assert _q4(session, users) == []
    withdraw_client(session, client_id=things["waiting"][3], reason="vertrokken",
                    actor=users["lister"], now=at(date(2019, 9, 20)))
    assert build.to_recompute(session, build.parse_quarter("2019Q4")) == ["2019Q3"]
    with_ledger = _q4(session, users)
    assert with_ledger and {c["quarter"] for c in with_ledger} == {"2019Q3"}
    # The ledger only saves work: recomputing every closed quarter finds the same.
    _every_quarter_recomputed(monkeypatch)
    assert _q4(session, users) == with_ledger


def test_without_late_changes_recomputing_everything_finds_nothing_either(
        world, monkeypatch):  # noqa: F811
    session, users, things = world
    close_quarter(session, quarter="2019Q3", actor=users["matcher"], now=at(date(2019, 10, 2)))
    move_on(session, users, things)
    assert _q4(session, users) == []
    _every_quarter_recomputed(monkeypatch)
    assert _q4(session, users) == []


@pytest.mark.skipif(not conftest.POSTGRES_URL, reason="an advisory lock: set "
                    "MATCHING_TEST_POSTGRES_URL (SQLite has one writer at a time)")
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_closing_waits_for_a_late_change_being_written(world):  # noqa: F811
    session, users, things = world
    url = session.get_bind().url.render_as_string(hide_password=False)
    before = late_changes.last_seen(session)
    flushed, committed = threading.Event(), []

    def move_the_lease_start(other: Session) -> int:
        lease = other.get(Lease, things["lease"].id)
        assert lease is not None
        assert lease.start_on != date(2019, 8, 20)
        lease.start_on = date(2019, 8, 20)
        other.flush()  # the late change is written, not committed
        flushed.set()
        time.sleep(1.0)
        other.commit()
        committed.append(time.monotonic())
        return other.exec(select(LateChange.id).order_by(LateChange.id.desc())).first()

    def close(other: Session) -> tuple[int, float]:
        assert flushed.wait(10)
        close_quarter(other, quarter="2019Q3", actor=users["matcher"],
                      now=at(date(2019, 10, 2)))
        closing_ended = time.monotonic()
        row = other.get(ClosedQuarter, "2019Q3")
        assert row is not None
        return row.late_changes_seen, closing_ended

    def in_a_session(call: Any) -> Any:
        def run() -> Any:
            with Session(get_engine(url), expire_on_commit=False) as other:
                return call(other)
        return run

    late_change_id, (seen, closing_ended) = race(in_a_session(move_the_lease_start),
                                                 in_a_session(close))
    assert late_change_id > before
    assert committed and closing_ended > committed[0], "the closing did not wait"
    assert seen >= late_change_id  # its snapshot holds the change: nothing to recompute
