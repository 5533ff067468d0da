"""The ledger of changes that reach back in time: which closed quarters may have moved.

A quarter report lists corrections to the closed quarters before it, which means
recomputing each of them as of its last day, a pass over the whole history per quarter
(matching/reports/build.py). Most of that work is wasted: a closed quarter's figures as of
its last day can only move through a change that reaches back to that day or before:
- history recorded late with its real, earlier date (a withdrawal entered afterwards);
- a row the reports read made or edited with a past date (a lease registered after its
  start, a transfer entered with the day it happened);
- an edit of a field the reports read of a row that existed then (a client's target
  group), or of reference data (weights, contingents, districts, names);
Every flush whose changes reach back before today writes one `LateChange` row saying how
far. A closed quarter that no such row reached since it was closed is not recomputed: its
figures now are the ones it published.

What the reports read of the workflow's rows is declared here (`REPORT_INPUTS`); every other
table is either history (`HISTORY`), never read by the reports (`UNREAD`), or reference
data, whose every change reaches back to any day. tests/unit/test_late_changes.py keeps the
declaration whole: a new table or column must be placed before the tests pass.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, func, inspect, or_, select, text
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction
from sqlmodel import col

from matching import models
from matching.quarters import parse_quarter
from matching.vocabulary import as_utc, utcnow
from matching.workdays import local_date

# The event tables: a new row reaches back to its moment.
HISTORY = (models.DwellingEvent, models.ClientEvent, models.ProposalEvent,
           models.CandidateEvent, models.LeaseEvent)

# The workflow's rows and the columns of them the reports read (matching/reports,
# services.planning.contingent_overview). Their other columns (the state, written with an
# event at the moment of change; addresses, incomes, scores) cannot move a past figure.
REPORT_INPUTS: dict[type, frozenset[str]] = {
    models.Dwelling: frozenset({"id", "corporation_id", "quarter", "designation",
                                "submitted_at", "wijk"}),
    models.Client: frozenset({"id", "target_group", "care_provider_id", "waiting_since",
                              "adults", "children", "citydeal_nominated_on",
                              "origin_municipality", "registered_on"}),
    models.Proposal: frozenset({"id", "dwelling_id", "round_no", "deviates", "opened_at"}),
    models.Candidate: frozenset({"id", "proposal_id", "reason_code"}),
    models.Lease: frozenset({"id", "corporation_id", "client_id", "dwelling_id",
                             "care_provider_id", "lease_type", "is_institution", "start_on",
                             "review_on", "transferred_on", "created_at"}),
}

# Reference data the reports read: any change reaches back to any day.
REFERENCE = frozenset({
    "organisation", "target_group", "reason_code", "district", "year_parameter",
    "corporation_weight", "contingent", "institution_flip_target", "policy_confirmation",
})

# Tables the quarter report never reads: sessions, logs, mail, requests, the ledger itself,
# the figures the report pages share (recent_figures: written from a report, never read by one).
UNREAD = frozenset({
    "app_user", "api_token", "user_session", "login_attempt", "sign_in_throttle",
    "second_factor", "recovery_code", "idempotent_request",
    "access_log", "notice", "notification", "notification_preference", "outbox_mail",
    "lease_transfer_request", "closed_quarter", "late_change", "contingent_change",
    "dwelling_earmark", "total_lettings_quarter", "statushouder_rung",
    "priority_lettings_reference", "allocation_target", "statushouder_task",
    "statushouder_steering", "statushouder_acceleration",
    "pool_profile", "pool_profile_basis", "pool_group_total", "recent_figures",
})

# How far back a change reaches: the first day of which it can alter a figure, ANY_DAY
# (reference data: every day), or NOWHERE (no day but those still to come).
Reach = date | None
ANY_DAY: Reach = None
NOWHERE: Reach = date.max


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return local_date(as_utc(value))
    if isinstance(value, date):
        return value
    return None


def _earliest(days: Iterable[date | None]) -> date | None:
    found = [day for day in days if day is not None]
    return min(found) if found else None


# Each workflow row's own history: where its first event says since when it counts.
_HISTORY_OF: dict[type, tuple[Any, str]] = {
    models.Dwelling: (models.DwellingEvent, "dwelling_id"),
    models.Client: (models.ClientEvent, "client_id"),
    models.Proposal: (models.ProposalEvent, "proposal_id"),
    models.Candidate: (models.CandidateEvent, "candidate_id"),
    models.Lease: (models.LeaseEvent, "lease_id"),
}


def _input_dates(row: Any) -> list[date | None]:
    """The dates of the row the reports read, now and before this flush's edits."""
    days: list[date | None] = []
    state = inspect(row)
    for name in REPORT_INPUTS[type(row)]:
        history = state.attrs[name].history
        days.extend(_day(value) for value in (*history.unchanged, *history.added,
                                              *history.deleted))
    return days


def _first_event(session: OrmSession, row: Any) -> date | None:
    events, key = _HISTORY_OF[type(row)]
    with session.no_autoflush:
        first = session.execute(select(func.min(events.at)).where(
            getattr(events, key) == row.id)).scalar()
    return _day(first)


def _round_opened(session: OrmSession, candidate: models.Candidate) -> date | None:
    """A candidate counts in the quarter its round was opened in."""
    with session.no_autoflush:
        round_ = session.get(models.Proposal, candidate.proposal_id)
    return _day(round_.opened_at) if round_ is not None else None


def _since(session: OrmSession, row: Any) -> date | None:
    """The first day a workflow row can count in a figure: its first event's, or an
    earlier date of it that the reports read."""
    if isinstance(row, models.Candidate):
        return _round_opened(session, row)
    return _earliest([_first_event(session, row), *_input_dates(row)])


def _further(one: Reach, other: Reach) -> Reach:
    """The further back of two reaches."""
    if one is None or other is None:  # ANY_DAY
        return ANY_DAY
    return min(one, other)


def _new_row_reaches(session: OrmSession, row: Any) -> Reach:
    """How far back a new row reaches."""
    if isinstance(row, HISTORY):
        return _day(row.at)
    inputs = REPORT_INPUTS.get(type(row))
    if inputs is not None:
        if isinstance(row, models.Candidate):
            return _round_opened(session, row) or NOWHERE
        # A new row counts in the past only through dates it is made with; without any,
        # only through history written with it, which speaks for itself.
        day = _earliest(_day(getattr(row, name)) for name in inputs)
        return day if day is not None else NOWHERE
    return ANY_DAY if row.__tablename__ not in UNREAD else NOWHERE


# What the reports read of an event's `data`: the review date a flip lease's events name.
_EVENT_DATA_READ = ("review_on",)


def _only_unread_data_changed(row: Any) -> bool:
    """An event edited only in what the reports do not read of its `data`: its free texts,
    which retention erases."""
    state = inspect(row)
    changed = {attribute.key for attribute in state.attrs if attribute.history.has_changes()}
    if changed != {"data"}:
        return False
    history = state.attrs["data"].history
    before = (history.deleted or history.unchanged or [{}])[0] or {}
    after = (history.added or [{}])[0] or {}
    return all(before.get(key) == after.get(key) for key in _EVENT_DATA_READ)


def _edited_row_reaches(session: OrmSession, row: Any) -> Reach:
    if isinstance(row, HISTORY):
        # History is only added to, but for the free texts retention erases; any other
        # edit of it may move any figure.
        return NOWHERE if _only_unread_data_changed(row) else ANY_DAY
    inputs = REPORT_INPUTS.get(type(row))
    if inputs is None:
        return ANY_DAY if row.__tablename__ not in UNREAD else NOWHERE
    state = inspect(row)
    changed = [name for name in inputs if state.attrs[name].history.has_changes()]
    if not changed:
        return NOWHERE
    days: list[date | None] = []
    for name in changed:
        history = state.attrs[name].history
        moved = [_day(value) for value in (*history.added, *history.deleted)]
        if any(day is not None for day in moved):
            days.extend(moved)  # a date moved: from the earlier of before and after
        else:
            days.append(_since(session, row) or local_date(utcnow()))
    return _earliest(days) or NOWHERE


def _deleted_row_reaches(session: OrmSession, row: Any) -> Reach:
    if isinstance(row, HISTORY):
        return ANY_DAY
    if type(row) in REPORT_INPUTS:
        return _since(session, row) or NOWHERE
    return ANY_DAY if row.__tablename__ not in UNREAD else NOWHERE


# session.info key: the last day of the last closed quarter, read once per transaction (a
# service flushes many times; a quarter closed in the same transaction reads it again).
_CLOSED_UNTIL = "matching.late_changes.closed_until"


def _last_closed_day(session: OrmSession) -> date | None:
    closing = any(isinstance(row, models.ClosedQuarter) for row in session.new)
    if _CLOSED_UNTIL in session.info and not closing:
        cached: date | None = session.info[_CLOSED_UNTIL]
        return cached
    with session.no_autoflush:
        last = session.execute(select(func.max(models.ClosedQuarter.quarter))).scalar()
    session.info[_CLOSED_UNTIL] = parse_quarter(last).last_day if last else None
    return session.info[_CLOSED_UNTIL]


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_closed_until(session: OrmSession, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_CLOSED_UNTIL, None)


def reach_of_flush(session: OrmSession) -> tuple[Reach, list[str]]:
    """How far back this flush's changes reach and the tables they reach back from."""
    reach: Reach = NOWHERE
    tables: set[str] = set()
    for rows, reaches in ((session.new, _new_row_reaches),
                          (session.dirty, _edited_row_reaches),
                          (session.deleted, _deleted_row_reaches)):
        for row in rows:
            if not hasattr(row, "__tablename__"):
                continue
            found = reaches(session, row)
            if found != NOWHERE:
                tables.add(row.__tablename__)
                reach = _further(reach, found)
    return reach, sorted(tables)


@event.listens_for(OrmSession, "before_flush")
def record_late_changes(session: OrmSession, _flush: UOWTransaction, _instances: Any) -> None:
    """Add a LateChange to a flush whose changes can move a figure of a past day: before
    today, or of a closed quarter (a quarter closed with a clock set ahead, in tests)."""
    if session.info.get(_DEFERRED):
        return  # one row for the whole load, written when it ends
    reach, tables = reach_of_flush(session)
    if reach == NOWHERE:
        return
    if reach is not None and reach >= local_date(utcnow()):
        closed_until = _last_closed_day(session)
        if closed_until is None or reach > closed_until:
            return
    _hold_ledger_shared(session)
    session.add(models.LateChange(recorded_at=utcnow(), reaches_back_to=reach,
                                  tables=",".join(tables)[:300]))


# session.info key: set while a bulk load records one late change for all its flushes.
_DEFERRED = "matching.late_changes.deferred"


@contextmanager
def deferred(session: OrmSession) -> Iterator[None]:
    """Record one late change reaching back to any day for a whole bulk load (the demo
    writes a year of history, so nearly every one of its flushes reaches back), instead of
    a row per flush. Meant for a load that closes no quarter."""
    session.info[_DEFERRED] = True
    try:
        yield
    finally:
        session.info.pop(_DEFERRED, None)
        session.rollback()  # what the load left unfinished
        _hold_ledger_shared(session)
        session.add(models.LateChange(recorded_at=utcnow(), reaches_back_to=None,
                                      tables="bulk load"))
        session.commit()


def last_seen(session: OrmSession) -> int:
    """The id of the last late change recorded (0 before any): a quarter closed now has
    seen every change up to it."""
    return session.execute(select(func.max(models.LateChange.id))).scalar() or 0


def reached_since_closing(session: OrmSession, last_day: date, seen: int) -> bool:
    """Whether a late change recorded after a quarter was closed (having seen the ledger up
    to id `seen`) reaches back to its `last_day` or before."""
    changed = select(col(models.LateChange.id)).where(
        col(models.LateChange.id) > seen,
        or_(col(models.LateChange.reaches_back_to).is_(None),
            col(models.LateChange.reaches_back_to) <= last_day),
    ).limit(1)
    return session.execute(changed).first() is not None


# Closing a quarter must not miss a late change that is written but not yet committed: its
# id would be below the one the closing sees, and its data absent from the snapshot. On
# PostgreSQL a transaction that records a late change holds this lock shared until it ends,
# and closing takes it exclusively before it reads anything. (SQLite has one writer at a
# time: a closing whose reads began before another write committed cannot commit.)
_LEDGER_LOCK = 7_513_001


def _hold_ledger_shared(session: OrmSession) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"),
                        {"key": _LEDGER_LOCK})


def wait_for_late_changes(session: OrmSession) -> int:
    """Wait until the late changes being written are committed, keep new ones waiting until
    this transaction ends, and return the id of the last one (0 before any): a quarter
    closed now has seen every change up to it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LEDGER_LOCK})
    return last_seen(session)
