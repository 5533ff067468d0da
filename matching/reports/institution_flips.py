"""Institution dwellings flipped to regular leases, per care provider, against the year's
target (Plan van Aanpak 2019: 135 in 2019, Lister 45 and De Tussenvoorziening 90).

A flip counts in the quarter of the start date its lease names, as the contingents count a
lease by its start: one registered late with an earlier date changes that quarter's figure,
and so shows as a correction once that quarter is closed.
"""

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from matching.models import InstitutionFlipTarget, Lease, Organisation
from matching.reports.period import Period, Reader
from matching.shared_reads import once
from matching.vocabulary import OrganisationKind

QUARTERS = ("Q1", "Q2", "Q3", "Q4")


def _quarter(day: date) -> str:
    return QUARTERS[(day.month - 1) // 3]


def _flips_then(session: Session, year: int, last: date) -> dict[int, Counter[str]]:
    """Per care provider: the year's institution flips up to `last`, per quarter."""
    flips: dict[int, Counter[str]] = defaultdict(Counter)
    for provider, start_on in session.exec(
        select(col(Lease.care_provider_id), col(Lease.start_on)).where(
            col(Lease.is_institution).is_(True),
            Lease.start_on >= date(year, 1, 1), Lease.start_on <= last,
        )
    ):
        if provider is not None:
            flips[provider][_quarter(start_on)] += 1
    return flips


def institution_flips(session: Session, period: Period, reader: Reader, as_of: date
                      ) -> list[dict[str, Any]]:
    """One row per care provider with a target in the period's year or with flips in it:
    target, flips in the period and in the year up to `as_of`, per quarter, and the year's
    flips as a percentage of the target. A corporation sees its leases under `leases`; the
    municipality sees no count of 1 to 4 flips (see Reader.hidden)."""
    if reader.corporation_id is not None:
        return []
    year = period.year
    targets = {
        target.care_provider_id: target.target
        for target in session.exec(
            select(InstitutionFlipTarget).where(InstitutionFlipTarget.year == year)
        )
    }
    last = min(as_of, date(year, 12, 31))
    flips = once(session, ("institution flips", year, last),
                 lambda: _flips_then(session, year, last))
    providers = set(targets) | set(flips)
    names = {
        organisation.id: organisation.name
        for organisation in session.exec(
            select(Organisation).where(col(Organisation.id).in_(providers),
                                       Organisation.kind == OrganisationKind.CARE_PROVIDER)
        ) if organisation.id is not None
    } if providers else {}
    rows = []
    for provider, name in sorted(names.items(), key=lambda item: item[1]):
        counts = flips.get(provider, Counter())
        year_to_date = sum(counts.values())
        target = targets.get(provider)
        # For the municipality: quarters of 1 to 4 flips hidden (with a second when one
        # alone would follow from the year's total), and the year's total when it is small.
        hidden = reader.hidden({quarter: counts[quarter] for quarter in QUARTERS})
        quarters = {q: None if q in hidden else counts[q] for q in QUARTERS}
        shown_year = reader.clients(year_to_date)
        rows.append({
            "care_provider_id": provider,
            "care_provider": name,
            "target": target,
            "in_period": shown_year if period.kind == "year" else quarters[period.code[-2:]],
            "year_to_date": shown_year,
            "per_quarter": quarters,
            "pct_of_target": round(100 * year_to_date / target, 1)
            if target and shown_year is not None else None,
            "suppressed": bool(hidden) or shown_year is None,
        })
    return rows
