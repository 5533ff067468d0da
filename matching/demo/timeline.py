"""The demo's clock: a queue of timed steps, and the state the steps share."""

import heapq
import itertools
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, select

from matching.demo.population import DemoClient
from matching.demo.reasons import REJECTIONS
from matching.demo.report import DemoLogin
from matching.models import Organisation, ReasonCode, TargetGroup, User
from matching.workdays import add_working_days, is_working_day


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    """Return `day` at `hour`:`minute` UTC."""
    return datetime.combine(day, time(hour), tzinfo=UTC) + timedelta(minutes=minute)


def row_id(row: Any) -> int:
    """Return the id of a row a service has flushed."""
    assert row.id is not None
    return int(row.id)


def window_quarters(today: date) -> list[tuple[int, int]]:
    """Return the four quarters (year, number) up to and including the one `today` is in."""
    current = 4 * today.year + (today.month - 1) // 3
    return [(n // 4, n % 4 + 1) for n in range(current - 3, current + 1)]


class Timeline:
    """The year up to `today` as a queue of timed steps; each step calls one or a few services.

    The demo's year is the four quarters up to today's, so the current quarter is under way
    whatever the day. It ends early on `today` (before office hours), so what the demo wrote
    lies in the past for whoever opens it later that day.
    """

    def __init__(self, session: Session, rng: random.Random, today: date) -> None:
        self.s, self.rng, self.today, self.year = session, rng, today, today.year
        self.quarters = window_quarters(today)
        first_year, first_quarter = self.quarters[0]
        self.start = date(first_year, 3 * first_quarter - 2, 1)
        self.end = moment(today, 5)
        self.overdue_made = False  # the one round the demo leaves past its deadline
        self.queue: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self.seq = itertools.count()
        orgs = list(session.exec(select(Organisation)))
        self.org_id = {o.name: o.id for o in orgs if o.id is not None}
        self.phase = {g.code: g.phase for g in session.exec(select(TargetGroup))}
        codes = {r.code for r in session.exec(select(ReasonCode).where(ReasonCode.active))}
        self.rejections = [code for code in REJECTIONS if code in codes] or ["other"]
        self.clients: dict[int, DemoClient] = {}
        self.waiting: dict[int, DemoClient] = {}
        self.addresses: set[str] = set()
        self.lease_steps: set[tuple[int, date | None]] = set()
        self.logins: list[DemoLogin] = []
        self.service_users: list[DemoLogin] = []
        self.user_of: dict[int, User] = {}  # organisation id -> the user acting for it
        self.matcher: User  # set by create_users
        self.refs = itertools.count(1)

    def at(self, when: datetime, step: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self.queue, (when, next(self.seq), step, args))

    def later(self, day: date, working_days: int, hour: int) -> datetime:
        return moment(add_working_days(day, working_days), hour, self.rng.randrange(60))

    def workdays(self, first: date, last: date) -> list[date]:
        days = (first + timedelta(n) for n in range((last - first).days + 1))
        return [d for d in days if is_working_day(d)]

    def corp(self, name: str) -> User:
        return self.user_of[self.org_id[name]]

    # The waiting list: the clients a round may propose, kept here since every part moves them.

    def to_waiting(self, c: DemoClient) -> None:
        c.state = "waiting"
        self.waiting[c.id] = c

    def leave_waiting(self, c: DemoClient, state: str) -> None:
        c.state = state
        del self.waiting[c.id]
