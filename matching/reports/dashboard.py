"""The demand-supply dashboard (the "dashboard inzicht vraag-aanbod" of the 2022 programme):
the figures the agency and the municipality steer on, for one quarter, in one read.

- `allocation`: the quarter's year's verdeelbesluit against the lets up to `as_of`, and the
  pace per month still needed (reports/allocation.py); None when the year has none.
- `waiting`: clients waiting per target group and their waits against the three-month
  ambition, and `quotas`: the quarter's quota and submissions per corporation, as the
  quarter report has them: from its snapshot once the quarter is closed, else computed
  as of `as_of` (only these two sections, not the whole report).
- `statushouders`: the half-year the quarter lies in, or the half before it when that one
  has no task yet, with its ladder rung (reports/statushouders.py); None when neither has.

`as_of` is the quarter's last day once it has ended, else today, as in the quarter report.
For the municipality a count of 1 to 4 clients is None, as in every report.
"""

from dataclasses import asdict
from datetime import date
from typing import Any

from sqlmodel import Session

from matching.access import require_role
from matching.errors import NotFound, ValidationFailed
from matching.models import StatushouderRung
from matching.quarters import HalfYear, Quarter, parse_quarter
from matching.reports import sections
from matching.reports.allocation import allocation_report
from matching.reports.build import frozen_report, quarter_period
from matching.reports.period import SUPPRESS_BELOW, Reader
from matching.reports.statushouders import statushouder_half
from matching.shared_reads import shared_reads
from matching.vocabulary import Role, utcnow
from matching.workdays import local_date

DASHBOARD_ROLES = (Role.MATCHER, Role.ANALYST)


def half_of(quarter: Quarter) -> HalfYear:
    """The half-year a quarter lies in: Q1 and Q2 in H1, Q3 and Q4 in H2."""
    return HalfYear(quarter.year, 1 if quarter.number <= 2 else 2)


def _statushouders(session: Session, quarter: Quarter, actor: Any) -> dict[str, Any] | None:
    """The quarter's half-year, or the one before when the running half has no task yet."""
    for half in (half_of(quarter), half_of(quarter).previous):
        try:
            figures = statushouder_half(session, half=str(half), actor=actor)
        except NotFound:
            continue
        found = asdict(figures)
        # The province's decision, recorded by hand, rather than the rung the rules give.
        found["rung_set_by_hand"] = session.get(StatushouderRung, str(half)) is not None
        return found
    return None


def dashboard(
    session: Session, *, quarter: str, actor: Any, today: date | None = None
) -> dict[str, Any]:
    """Return the dashboard's figures for `quarter` (written like 2025Q2); see the module."""
    require_role(actor, *DASHBOARD_ROLES)
    try:
        parsed = parse_quarter(quarter)
    except ValueError as error:
        raise ValidationFailed({"quarter": str(error)}) from None
    reader = Reader(role=actor.role, organisation_id=actor.organisation_id)
    as_of = min(today or local_date(utcnow()), parsed.last_day)
    # The sections read some rows alike (the latest events, the year's quotas): once.
    with shared_reads(session):
        frozen = frozen_report(session, parsed, reader)
        if frozen is not None:
            waiting, quotas = frozen["waiting"], frozen["quotas"]
        else:
            period = quarter_period(parsed)
            waiting = sections.waiting(session, period, reader, as_of)
            quotas = sections.quotas(session, period, reader, as_of)
        try:
            allocation = allocation_report(session, year=parsed.year, actor=actor, as_of=as_of)
        except NotFound:
            allocation = None
        statushouders = _statushouders(session, parsed, actor)
    return {
        "quarter": str(parsed),
        "as_of": as_of.isoformat(),
        "frozen": frozen is not None,
        "suppressed_below": SUPPRESS_BELOW if reader.suppresses_small_counts else None,
        "allocation": allocation,
        "waiting": waiting,
        "quotas": quotas,
        "statushouders": statushouders,
    }
