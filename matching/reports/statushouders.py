"""The statushouder half-year task and the province's intervention ladder (IBT).

totaalopgave (`total`) = taakstelling (`task`) + backlog at the start of the half-year;
backlog at the end = total - realised, never below 0 (a lead shows as no backlog). The task
and the realisation count persons, not dwellings.

The rung after a half-year, as this module reads the Beleidskader IBT 2021-2024 (six treden):
  1 signalling: the task is met (or there is a lead) and no backlog is left;
  2 request and validate information: a backlog is left, smaller than the task;
  3 active supervision: the backlog left is at least the task of the half-year just ended
    (on 1 July that is "the previous taakstelling"; for 2022-I the letter compares 207 with
    203, the task before the redistribution of 1: with 204 the answer is the same);
  4 pre-announcement of legal intervention: that condition for the 2nd consecutive period;
  5 decision to step in: the 3rd consecutive period;
  6 sanction executed: the 4th consecutive period or more.
Consecutive periods are the directly preceding half-years whose figures are known and meet
the condition. The province also weighs "no substantial improvement" (rung 5) and a passed
deadline (rung 6), and it alone decides de-escalation: what it decided is recorded by an
administrator (services/steering.py), and the report then shows that rung and its note.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from matching.models import Client, ClientEvent, StatushouderRung, StatushouderTask
from matching.quarters import HalfYear, parse_half
from matching.reports.balance import FIRST_SYSTEM_YEAR, STEERING_ROLES, one_decimal
from matching.services.access import require_role
from matching.services.errors import NotFound, ValidationFailed
from matching.vocabulary import ClientState
from matching.workdays import UTRECHT

STATUSHOUDER_GROUP = "statushouder"
TOP_RUNG = 6
_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}


@dataclass(frozen=True)
class StatushouderHalf:
    half: str
    task: int
    backlog_start: int | None
    total: int | None
    realised: int | None
    pct_of_task: Decimal | None
    pct_of_total: Decimal | None
    backlog_end: int | None
    rung: int | None
    rung_note: str


def housed_persons(session: Session, half: HalfYear) -> int:
    """Count the persons (adults + children: the task counts persons) of statushouder
    clients housed through the workflow in the half-year (Utrecht dates)."""
    start = datetime.combine(half.first_day, time(0), tzinfo=UTRECHT).astimezone(UTC)
    end = datetime.combine(half.last_day + timedelta(days=1), time(0),
                           tzinfo=UTRECHT).astimezone(UTC)
    housed = select(ClientEvent.client_id).where(
        ClientEvent.to_state == ClientState.HOUSED,
        col(ClientEvent.at) >= start, col(ClientEvent.at) < end,
    )
    rows = session.exec(select(Client.adults, Client.children).where(
        Client.target_group == STATUSHOUDER_GROUP, col(Client.id).in_(housed)))
    return sum(adults + children for adults, children in rows)


class _Figures:
    """The figures of the half-years in the task table, each worked out once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.done: dict[HalfYear, StatushouderHalf | None] = {}

    def __call__(self, half: HalfYear) -> StatushouderHalf | None:
        if half not in self.done:
            self.done[half] = self._work_out(half)
        return self.done[half]

    def _work_out(self, half: HalfYear) -> StatushouderHalf | None:
        row = self.session.get(StatushouderTask, str(half))
        if row is None:
            return None
        backlog = row.backlog_start
        if backlog is None:
            before = self(half.previous)
            backlog = before.backlog_end if before else None
        realised = row.realised
        if realised is None and half.year >= FIRST_SYSTEM_YEAR:
            realised = housed_persons(self.session, half)
        total = row.task + backlog if backlog is not None else None
        end = max(total - realised, 0) if total is not None and realised is not None else None
        return StatushouderHalf(
            str(half), row.task, backlog, total, realised,
            one_decimal(realised, row.task) if realised is not None else None,
            one_decimal(realised, total) if realised is not None and total else None,
            end, None, "")

    def escalating(self, half: HalfYear) -> bool:
        figures = self(half)
        return bool(figures and figures.backlog_end and figures.backlog_end >= figures.task)


def _computed_rung(figures: _Figures, half: HalfYear) -> tuple[int | None, str]:
    this = figures(half)
    assert this is not None
    if this.backlog_end is None:
        return None, "not computed: the realisation or the starting backlog is not known"
    if this.backlog_end == 0:
        return 1, "computed: the task is met and no backlog is left (rung 1)"
    if this.backlog_end < this.task:
        return 2, f"computed: a backlog of {this.backlog_end} is left, below the task (rung 2)"
    periods, earlier = 1, half.previous
    while periods < TOP_RUNG - 2 and figures.escalating(earlier):
        periods, earlier = periods + 1, earlier.previous
    rung = 2 + periods
    return rung, (f"computed: backlog {this.backlog_end} >= task {this.task} for the "
                  f"{_ORDINAL.get(periods, f'{periods}th')} consecutive period (rung {rung}); "
                  "the province decides")


def statushouder_half(session: Session, *, half: str, actor: Any) -> StatushouderHalf:
    """Return the half-year's task, backlog, realisation and ladder rung."""
    require_role(actor, *STEERING_ROLES)
    try:
        parsed = parse_half(half)
    except ValueError as error:
        raise ValidationFailed({"half": str(error)}) from None
    figures = _Figures(session)
    this = figures(parsed)
    if this is None:
        raise NotFound(f"half-year {parsed} has no statushouder task")
    override = session.get(StatushouderRung, str(parsed))
    rung: int | None
    if override is not None:
        rung, note = override.rung, override.note
    else:
        rung, note = _computed_rung(figures, parsed)
    return replace(this, rung=rung, rung_note=note)

