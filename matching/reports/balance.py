"""The 30% rule: priority lettings against the corporations' total lettings of a year.

"30% of the yearly new lettings of self-contained corporation dwellings go with priority to
special and vulnerable groups" (Plan van Aanpak 2019; kept in 2022 and 2024/2025).

- Before the system (2015-2018) both figures come from the plan's own table
  (seeds/priority_lettings.csv), with the document named in `source`.
- From 2019 on, priority lettings are the dwellings let through the workflow in the year
  (the `let` events, on their Utrecht date; institution dwellings registered as leases are
  not lettings and have no such event). Total lettings is an input per quarter
  (services/steering.py); a quarter nobody entered counts as a quarter of the year
  parameter `mobw_total_lettings`, an assumption that `source` names.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from matching.access import require_role
from matching.errors import NotFound, ValidationFailed
from matching.models import (
    DwellingEvent,
    PriorityLettingsReference,
    TotalLettingsQuarter,
    YearParameter,
)
from matching.parameters import YearParameters, year_parameters
from matching.vocabulary import DwellingState, Role, utcnow
from matching.workdays import UTRECHT, local_date

FIRST_SYSTEM_YEAR = 2019  # the plan of July 2019 starts the workflow
STEERING_ROLES = (Role.MATCHER, Role.ANALYST, Role.ADMIN)


@dataclass(frozen=True)
class Balance:
    year: int
    priority_lettings: int
    total_lettings: int
    pct: Decimal | None
    guideline_pct: Decimal
    source: str
    # How far `pct` may lie from the guideline (a year parameter), the distance, and whether
    # it is further than that either way: the deviation flag.
    tolerance_pct: Decimal = Decimal("0")
    deviation_pct: Decimal | None = None
    deviates: bool | None = None

    def flagged(self, tolerance: Decimal) -> "Balance":
        deviation = None if self.pct is None else self.pct - self.guideline_pct
        return replace(self, tolerance_pct=tolerance, deviation_pct=deviation,
                       deviates=None if deviation is None else abs(deviation) > tolerance)


def one_decimal(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, rounded half up to one decimal (None if whole is 0)."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def lets_in_year(session: Session, year: int) -> int:
    """Count the dwellings let through the workflow in `year` (Utrecht dates)."""
    start = datetime.combine(date(year, 1, 1), time(0), tzinfo=UTRECHT).astimezone(UTC)
    end = datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=UTRECHT).astimezone(UTC)
    return session.exec(
        select(func.count()).select_from(DwellingEvent).where(
            DwellingEvent.to_state == DwellingState.LET,
            col(DwellingEvent.at) >= start, col(DwellingEvent.at) < end,
        )
    ).one()


def _total_lettings(session: Session, year: int,
                    params: YearParameters | None = None) -> tuple[int, str]:
    """The year's total lettings from the quarter inputs, filling gaps from the parameter."""
    entered = {
        row.quarter: row for row in session.exec(
            select(TotalLettingsQuarter).where(
                col(TotalLettingsQuarter.quarter).startswith(f"{year}Q"))
        )
    }
    missing = [f"{year}Q{n}" for n in range(1, 5) if f"{year}Q{n}" not in entered]
    parts = [f"{q} {entered[q].total} entered ({entered[q].source})" for q in sorted(entered)]
    total = sum(row.total for row in entered.values())
    if missing:
        params = params or year_parameters(session, year)
        assumed = (Decimal(params.mobw_total_lettings) * len(missing) / 4).to_integral_value(
            ROUND_HALF_UP)
        total += int(assumed)
        supplied = params.supplied_by.get("mobw_total_lettings")
        row = session.get(YearParameter, (supplied, "mobw_total_lettings")) if supplied else None
        origin = f"set for {supplied}: {row.source}" if row else "built-in default"
        parts.append(
            f"{', '.join(missing)} not entered: assumption, {len(missing)}/4 of the year "
            f"parameter mobw_total_lettings {params.mobw_total_lettings} ({origin})"
        )
    return total, "; ".join(parts)


def balance(session: Session, *, year: int, actor: Any, today: date | None = None) -> Balance:
    """Return priority against total lettings of `year` with the 30% guideline."""
    require_role(actor, *STEERING_ROLES)
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": "give a year between 2000 and 2100"})
    params = year_parameters(session, year)  # read once: three uses below
    guideline = params.priority_lettings_guideline_pct
    tolerance = params.priority_lettings_tolerance_pct
    reference = session.get(PriorityLettingsReference, year)
    if reference is not None:
        return Balance(year, reference.priority_lettings, reference.total_lettings,
                       one_decimal(reference.priority_lettings, reference.total_lettings),
                       guideline, reference.source).flagged(tolerance)
    lets = lets_in_year(session, year) if year >= FIRST_SYSTEM_YEAR else 0
    has_input = session.exec(select(func.count()).select_from(TotalLettingsQuarter).where(
        col(TotalLettingsQuarter.quarter).startswith(f"{year}Q"))).one() > 0
    this_year = (today or local_date(utcnow())).year
    # Before the system only the documents count; a future year needs lets or an input.
    if year < FIRST_SYSTEM_YEAR or (year > this_year and not lets and not has_input):
        raise NotFound(f"there are no lettings figures for {year}")
    total, total_source = _total_lettings(session, year, params)
    source = (f"priority lettings: {lets} dwellings let through the workflow in {year}; "
              f"total lettings: {total_source}")
    return Balance(year, lets, total, one_decimal(lets, total), guideline, source
                   ).flagged(tolerance)
