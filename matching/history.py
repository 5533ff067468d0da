"""A row's state as of a moment, rebuilt from its event history (reports use this so that a
past period's figures do not move as time passes).

A row's state at a moment is the `to_state` of its last event (highest id) with `at` before
that moment; a row without such an event did not exist yet. The queries are plain SQL (a
grouped max joined back), so they run on SQLite and PostgreSQL alike.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Subquery
from sqlmodel import col, func, select

from matching.workdays import UTRECHT


def end_of_day(day: date) -> datetime:
    """The first moment after `day` in Utrecht, in UTC (events before it happened by `day`)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTRECHT).astimezone(UTC)


def last_event_ids(model: Any, key: str, before: datetime, *, triggers: tuple[str, ...] = ()
                   ) -> Subquery:
    """Per row: `row_id` and the id (`event_id`) of its last event before `before`
    (optionally only events with one of `triggers`)."""
    row_id = getattr(model, key)
    query = select(row_id.label("row_id"), func.max(col(model.id)).label("event_id")).where(
        col(model.at) < before
    )
    if triggers:
        query = query.where(col(model.trigger).in_(triggers))
    return query.group_by(row_id).subquery()


def states_as_of(model: Any, key: str, before: datetime) -> Subquery:
    """Per row that existed before `before`: `row_id` and its `state` then."""
    last = last_event_ids(model, key, before)
    return (
        select(last.c.row_id, col(model.to_state).label("state"))
        .join(last, col(model.id) == last.c.event_id)
        .subquery()
    )
