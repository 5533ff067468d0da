"""A row's state as of a moment, rebuilt from its event history (reports use this so that a
past period's figures do not move as time passes).

A row's state at a moment is the `to_state` of its last event (highest id) with `at` before
that moment; a row without such an event did not exist yet. The queries are plain SQL (a
grouped max joined back), so they run on SQLite and PostgreSQL alike. When no event of a
table is as late as the moment (a report as of today), its rows' own states are those
states, and `states_then` reads them instead.
"""

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import BigInteger, Subquery, case, cast
from sqlmodel import Session, col, func, select

from matching.models import (
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    Dwelling,
    DwellingEvent,
    Lease,
    LeaseEvent,
    Proposal,
    ProposalEvent,
)
from matching.shared_reads import once
from matching.vocabulary import as_utc
from matching.workdays import UTRECHT

# Each event table and the table whose rows' history it keeps.
ROWS_OF: dict[Any, Any] = {
    DwellingEvent: Dwelling, ClientEvent: Client, ProposalEvent: Proposal,
    CandidateEvent: Candidate, LeaseEvent: Lease,
}


def end_of_day(day: date) -> datetime:
    """The first moment after `day` in Utrecht, in UTC (events before it happened by `day`)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTRECHT).astimezone(UTC)


def last_event_ids(model: Any, key: str, before: datetime, *, triggers: tuple[str, ...] = (),
                   among: Any = None) -> Subquery:
    """Per row: `row_id` and the id (`event_id`) of its last event before `before`
    (optionally only events with one of `triggers`, only rows whose id `among` selects)."""
    row_id = getattr(model, key)
    query = select(row_id.label("row_id"), func.max(col(model.id)).label("event_id")).where(
        col(model.at) < before
    )
    if triggers:
        query = query.where(col(model.trigger).in_(triggers))
    if among is not None:  # the database reads only these rows' events, not every row's
        query = query.where(col(row_id).in_(among))
    return query.group_by(row_id).subquery()


def states_as_of(model: Any, key: str, before: datetime, *, among: Any = None) -> Subquery:
    """Per row that existed before `before` (of the rows `among` selects, if given):
    `row_id` and its `state` then."""
    last = last_event_ids(model, key, before, among=among)
    return (
        select(last.c.row_id, col(model.to_state).label("state"))
        .join(last, col(model.id) == last.c.event_id)
        .subquery()
    )


def latest_events(session: Session) -> dict[str, datetime | None]:
    """Per event table, the moment of its latest event (None while it has none): one
    statement, each maximum read from the end of the table's index on `at`; read once per
    report build (matching.shared_reads)."""

    def read() -> dict[str, datetime | None]:
        latest = session.exec(select(*(
            select(func.max(col(model.at))).scalar_subquery() for model in ROWS_OF
        ))).one()
        return {str(model.__tablename__): as_utc(at) if at is not None else None
                for model, at in zip(ROWS_OF, latest, strict=True)}
    return once(session, ("latest events",), read)


def states_then(session: Session, model: Any, key: str, before: datetime, *,
                among: Any = None) -> Subquery:
    """As `states_as_of`, but when every event of `model` happened before `before` (a report
    as of today, the usual case) read from the rows' own state column: with no event since,
    each row's state then is the one it is in now, since a row is made with its first event
    and every change of its state writes one. Replaying the history took a third of the
    report's database time."""
    rows = ROWS_OF[model]
    latest = latest_events(session)[model.__tablename__]
    if latest is not None and latest >= before:
        return states_as_of(model, key, before, among=among)
    query: Any = select(col(rows.id).label("row_id"), col(rows.state).label("state"))
    if among is not None:
        query = query.where(col(rows.id).in_(among))
    return query.subquery()


def states_at(session: Session, model: Any, key: str, moments: Sequence[datetime],
              states: Sequence[str], *, wanted: Collection[str] = (), among: Any = None
              ) -> dict[datetime, dict[int, str]] | None:
    """Per moment: each row's state then, as `states_as_of` gives it for one moment, read
    in one pass over the history (a report and the closed quarters it compares with need
    the same rows at up to eight moments). With `wanted`, only rows in those states; with
    `among`, only the rows whose id it selects.

    The events are cut into stretches between the moments; per row and stretch the database
    returns the highest event id with its state folded in (id * width + the state's place in
    `states`), and a row's state at a moment is that of the highest id of the stretches
    before it. None when an event names a state outside `states`: ask per moment then.
    """
    ordered = sorted(set(moments))
    if not ordered:
        return {}
    width = len(states) + 1  # the last code: a state not in `states`
    stretch = case(*((col(model.at) < moment, place) for place, moment in enumerate(ordered)))
    code = case(*((col(model.to_state) == state, place) for place, state in enumerate(states)),
                else_=len(states))
    row_id = getattr(model, key)
    tagged = func.max(cast(col(model.id), BigInteger) * width + code)
    query = select(row_id, stretch, tagged).where(col(model.at) < ordered[-1])
    if among is not None:
        query = query.where(col(row_id).in_(among))
    # Core, not the ORM, and all at once: these are plain values, tens of thousands of them.
    rows = session.connection().execute(
        query.group_by(row_id, stretch).order_by(row_id, stretch)).all()
    found: dict[datetime, dict[int, str]] = {moment: {} for moment in ordered}
    by_place = list(found.values())
    keep = set(wanted) if wanted else set(states)
    # Per code: the state to record, or None (not wanted); the last code is no known state.
    recorded = [state if state in keep else None for state in states] + [None]
    unknown, count = len(states), len(ordered)

    def record(row: int, first: int, last: int, best: int) -> bool:
        """Record the state `best` names at the moments first..last-1; False if unknown."""
        code = best % width
        if code == unknown:
            return False
        state = recorded[code]
        if state is not None:
            for place in range(first, last):
                by_place[place][row] = state
        return True

    current, best, mark = None, -1, 0
    for row, place, value in rows:
        if row != current:
            if current is not None and not record(current, mark, count, best):
                return None
            current, best, mark = row, value, place
            continue
        # The moments before this stretch see the best so far; from it on, maybe this one.
        if not record(row, mark, place, best):
            return None
        if value > best:
            best = value
        mark = place
    if current is not None and not record(current, mark, count, best):
        return None
    return found
