"""Assemble the quarterly and the annual report for one reader."""

from datetime import date
from typing import Any

from sqlmodel import Session

from matching.quarters import parse_quarter
from matching.reports import sections
from matching.reports.period import SUPPRESS_BELOW, Period, Reader
from matching.services.access import require_role
from matching.services.errors import ValidationFailed
from matching.vocabulary import Role, utcnow
from matching.workdays import local_date

REPORT_ROLES = (Role.MATCHER, Role.ANALYST, Role.CORPORATION, Role.ADMIN)


def _build(session: Session, period: Period, actor: Any, today: date | None) -> dict[str, Any]:
    require_role(actor, *REPORT_ROLES)
    reader = Reader(role=actor.role, organisation_id=actor.organisation_id)
    # Waiting and lease figures describe the end of the period, or today while it runs.
    as_of = min(today or local_date(utcnow()), period.last_day)
    return {
        "period": period.as_dict(),
        "as_of": as_of.isoformat(),
        "generated_at": utcnow().isoformat(),
        "scope": "own_figures" if reader.corporation_id is not None else "all",
        "suppressed_below": SUPPRESS_BELOW if reader.suppresses_small_counts else None,
        "quotas": sections.quotas(session, period, reader),
        "matching": sections.matching(session, period, reader),
        "speed": sections.speed(session, period, reader),
        "waiting": sections.waiting(session, period, reader, as_of),
        "contingents": sections.contingents(session, period, reader),
        "leases": sections.leases(session, period, reader, as_of),
    }


def quarter_report(
    session: Session, *, quarter: str, actor: Any, today: date | None = None
) -> dict[str, Any]:
    """Return the quarterly monitoring report (quarter written like 2019Q3)."""
    try:
        parsed = parse_quarter(quarter)
    except ValueError as error:
        raise ValidationFailed({"quarter": str(error)}) from None
    period = Period("quarter", str(parsed), parsed.year, parsed.first_day, parsed.last_day)
    return _build(session, period, actor, today)


def year_report(
    session: Session, *, year: int, actor: Any, today: date | None = None
) -> dict[str, Any]:
    """Return the annual monitoring report."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": "give a year between 2000 and 2100"})
    period = Period("year", str(year), year, date(year, 1, 1), date(year, 12, 31))
    return _build(session, period, actor, today)
