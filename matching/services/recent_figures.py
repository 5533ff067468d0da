"""A report page's figures computed once and read back by the views that follow shortly.

Computing the analyst's quarter report reads the whole history: tens of statements and
tens of milliseconds of a worker, for a page that fifty people open over and over while the
figures hardly change. So the first view of a report for a reader scope stores its figures
(`recent_figures`, shared by every application process) and the views of the next
`max_age` read them back; the page says at what time they were computed. Whoever changed
something since (`not_before`: the moment of their own last change) gets figures computed
anew, which the views after theirs then share. Figures of an earlier day are never served.

The JSON API does not come here: it computes its figures on every call. A service, not a
part of the reports package, because it writes: the reports only read.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from matching.models import RecentFigures
from matching.reports.build import jsonable
from matching.services.unit_of_work import commit
from matching.vocabulary import as_utc
from matching.workdays import local_date


def recent_figures(
    session: Session, *, key: str, compute: Callable[[], dict[str, Any]], now: datetime,
    max_age: timedelta, not_before: datetime | None = None,
) -> tuple[dict[str, Any], datetime]:
    """The figures stored under `key` with the moment they were computed, when computed
    less than `max_age` before `now`, on its day and not before `not_before`; else
    `compute()`'s, stored for the next views (`max_age` of zero: computed and not stored).
    Either way as they read back from JSON, so a page shows stored and fresh ones alike."""
    if max_age > timedelta(0):
        found = session.exec(
            select(RecentFigures.computed_at, RecentFigures.figures)
            .where(col(RecentFigures.key) == key)
        ).first()
        if found is not None:
            computed_at = as_utc(found[0])
            if _still_good(computed_at, now=now, max_age=max_age, not_before=not_before):
                return dict(found[1]), computed_at
    figures = jsonable(compute())
    if max_age > timedelta(0):
        _store(session, key, figures, now)
    return figures, now


def _still_good(computed_at: datetime, *, now: datetime, max_age: timedelta,
                not_before: datetime | None) -> bool:
    return (now - max_age <= computed_at <= now
            and local_date(computed_at) == local_date(now)
            and (not_before is None or computed_at >= not_before))


def _store(session: Session, key: str, figures: dict[str, Any], now: datetime) -> None:
    """Insert or replace the stored figures: two processes computing at once both write,
    the later one's stay."""
    row = {"key": key, "computed_at": now, "figures": figures}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RecentFigures).values(row)
    session.execute(statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"computed_at": statement.excluded.computed_at,
              "figures": statement.excluded.figures}))
    commit(session)
