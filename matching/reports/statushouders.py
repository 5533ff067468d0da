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

Steering figures beside the ladder (domain brief s3.11, scenarios 9 and 10):
- `deescalation_suggested`: the backlog at the end is 0, so the report suggests going down a
  rung; the rules for de-escalation are not spelled out and the supervisor decides
  (`deescalation_note` says so). Null when the backlog at the end is not known.
- `improvement_target`: the improvement plan's "catch up more than 50% of the backlog",
  taken over the backlog at the half-year's start as half of it rounded up. The brief reads
  318 -> ">= 159 extra", so an even backlog gives exactly half (159 of 318); an odd one the
  first whole number above half. Null without a backlog.
- `backlog_caught_up`: realisation counts first toward the task, then toward the backlog, so
  the persons realised beyond the task (0 when fewer); null when `realised` is.
- `pace_needed_per_week`: (total - realised) / the weeks left of the half-year from `today`
  (days left including today / 7), one decimal, 0 when nothing more is needed; null once the
  half-year has ended or when a figure is not known.
- The agency's inputs (services/statushouder_steering.py), null or empty when not entered:
  `extra_target` (the voluntary target on top of the total, 2022-II: 133) with
  `total_with_extra`; `administratively_housed` (linked to a dwelling, not yet counted by
  COA: shown apart, never added to `realised`, which stays the COA-counted figure); and
  `accelerations`, each plan with its `per_week` (persons / weeks, one decimal), its last
  day `ends_on` (starts_on + weeks x 7 - 1) and whether `today` falls within it (`active`).
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlmodel import Session, col, select

from matching.access import require_role
from matching.errors import NotFound, ValidationFailed
from matching.models import (
    Client,
    ClientEvent,
    StatushouderAcceleration,
    StatushouderRung,
    StatushouderSteering,
    StatushouderTask,
)
from matching.quarters import HalfYear, parse_half
from matching.reports.balance import FIRST_SYSTEM_YEAR, STEERING_ROLES, one_decimal
from matching.vocabulary import ClientState, utcnow
from matching.workdays import UTRECHT, local_date

STATUSHOUDER_GROUP = "statushouder"
TOP_RUNG = 6
_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}
DEESCALATION_NOTE = ("suggested: no backlog is left, so a lower rung is in view; the rules "
                     "for de-escalation are not spelled out and the supervisor decides")


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
    # Steering figures beside the ladder (see the module).
    deescalation_suggested: bool | None = None
    deescalation_note: str = ""
    improvement_target: int | None = None
    backlog_caught_up: int | None = None
    pace_needed_per_week: Decimal | None = None
    extra_target: int | None = None
    total_with_extra: int | None = None
    administratively_housed: int | None = None
    inputs_source: str | None = None
    # A list, so that a download leaves the plans out of the half-year's row.
    accelerations: list[dict[str, Any]] = field(default_factory=list)


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
    """The figures of the half-years in the task table, each worked out once; the task table
    is read once (a few dozen rows), so walking back through half-years that have no task
    costs no statement per step."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.done: dict[HalfYear, StatushouderHalf | None] = {}
        self.tasks = {row.half_year: row for row in session.exec(select(StatushouderTask))}

    def __call__(self, half: HalfYear) -> StatushouderHalf | None:
        if half not in self.done:
            self.done[half] = self._work_out(half)
        return self.done[half]

    def _work_out(self, half: HalfYear) -> StatushouderHalf | None:
        row = self.tasks.get(str(half))
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
            end, None, "",
            deescalation_suggested=None if end is None else end == 0,
            deescalation_note=DEESCALATION_NOTE if end == 0 else "",
            improvement_target=-(-backlog // 2) if backlog else None,
            backlog_caught_up=max(realised - row.task, 0) if realised is not None else None)

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


def pace_per_week(total: int | None, realised: int | None, half: HalfYear,
                  today: date) -> Decimal | None:
    """Persons a week still needed to realise `total` by the half-year's last day."""
    if total is None or realised is None or today > half.last_day:
        return None
    needed = total - realised
    if needed <= 0:
        return Decimal("0.0")
    days_left = (half.last_day - max(today, half.first_day)).days + 1
    return (Decimal(needed) * 7 / days_left).quantize(Decimal("0.1"), ROUND_HALF_UP)


def statushouder_half(session: Session, *, half: str, actor: Any,
                      today: date | None = None) -> StatushouderHalf:
    """Return the half-year's task, backlog, realisation and ladder rung."""
    require_role(actor, *STEERING_ROLES)
    try:
        parsed = parse_half(half)
    except ValueError as error:
        raise ValidationFailed({"half": str(error)}) from None
    figures = _Figures(session)
    if figures(parsed) is None:
        raise NotFound(f"half-year {parsed} has no statushouder task")
    override = session.get(StatushouderRung, str(parsed))
    inputs = session.get(StatushouderSteering, str(parsed))
    today = today or local_date(utcnow())
    return _completed(figures, parsed, override, inputs,
                      accelerations(session, parsed, today), today)


def statushouder_halves_figures(session: Session, *, actor: Any,
                                today: date | None = None) -> list[StatushouderHalf]:
    """Every half-year of the task table, newest first, as `statushouder_half` gives each:
    worked out together, with a statement per table rather than per half-year."""
    require_role(actor, *STEERING_ROLES)
    figures = _Figures(session)
    overrides = {row.half_year: row for row in session.exec(select(StatushouderRung))}
    inputs = {row.half_year: row for row in session.exec(select(StatushouderSteering))}
    plans: dict[str, list[StatushouderAcceleration]] = {}
    for plan in session.exec(select(StatushouderAcceleration).order_by(
            col(StatushouderAcceleration.starts_on), col(StatushouderAcceleration.name))):
        plans.setdefault(plan.half_year, []).append(plan)
    today = today or local_date(utcnow())
    found = []
    for code in sorted(figures.tasks, reverse=True):
        half = parse_half(code)
        found.append(_completed(figures, half, overrides.get(code), inputs.get(code),
                                _paced(plans.get(code, []), today), today))
    return found


def _completed(figures: _Figures, half: HalfYear, override: StatushouderRung | None,
               inputs: StatushouderSteering | None, plans: list[dict[str, Any]],
               today: date) -> StatushouderHalf:
    """The half-year's figures with its rung (recorded, else computed), pace and inputs."""
    this = figures(half)
    assert this is not None
    rung: int | None
    if override is not None:
        rung, note = override.rung, override.note
    else:
        rung, note = _computed_rung(figures, half)
    pace = pace_per_week(this.total, this.realised, half, today)
    extra = inputs.extra_target if inputs else None
    return replace(
        this, rung=rung, rung_note=note, pace_needed_per_week=pace,
        extra_target=extra,
        total_with_extra=this.total + extra if this.total is not None and extra else None,
        administratively_housed=inputs.administratively_housed if inputs else None,
        inputs_source=inputs.source if inputs else None,
        accelerations=plans)


def accelerations(session: Session, half: HalfYear, today: date) -> list[dict[str, Any]]:
    """The half-year's acceleration plans by start date, with their weekly pace and span."""
    plans = session.exec(select(StatushouderAcceleration).where(
        StatushouderAcceleration.half_year == str(half)).order_by(
        col(StatushouderAcceleration.starts_on), col(StatushouderAcceleration.name))).all()
    return _paced(list(plans), today)


def _paced(plans: list[StatushouderAcceleration], today: date) -> list[dict[str, Any]]:
    found = []
    for plan in plans:
        ends = plan.starts_on + timedelta(days=plan.weeks * 7 - 1)
        found.append({
            "name": plan.name, "persons": plan.persons, "weeks": plan.weeks,
            "starts_on": plan.starts_on, "ends_on": ends,
            "per_week": (Decimal(plan.persons) / plan.weeks).quantize(
                Decimal("0.1"), ROUND_HALF_UP),
            "active": plan.starts_on <= today <= ends,
        })
    return found

