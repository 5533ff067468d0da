"""Progress on the institution-dwelling flip target of a year, per care provider and quarter
(Plan van Aanpak 2019: 135 flips, Lister 45 and De Tussenvoorziening 90), as the providers'
contingent pages show it and the year end evaluates it.

A flip counts when the institution dwelling became a regular lease in the client's name: in
the quarter of the lease's `transferred_on`, whether it was registered flipped
(services.institution_flips, transferred on its start) or registered earlier with the care
provider as tenant and transferred since (services.leases.transfer_lease). The year report's
`institution_flips` section (reports/institution_flips.py) counts registered institution
leases by their start instead; for a dwelling registered flipped the two agree.

The target is met once the year's flips reach it; `evaluated` says the year has ended, so the
verdict is final.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from matching.models import InstitutionFlipTarget, Lease, Organisation
from matching.reports.institution_flips import QUARTERS
from matching.reports.period import Reader
from matching.vocabulary import OrganisationKind


@dataclass
class FlipProgress:
    care_provider_id: int | None  # None: the total of every provider
    care_provider: str
    target: int | None
    per_quarter: dict[str, int | None] = field(default_factory=dict)
    flipped: int | None = 0
    evaluated: bool = False

    @property
    def remaining(self) -> int | None:
        if self.target is None or self.flipped is None:
            return None
        return max(self.target - self.flipped, 0)

    @property
    def pct_of_target(self) -> float | None:
        if not self.target or self.flipped is None:
            return None
        return round(100 * self.flipped / self.target, 1)

    @property
    def met(self) -> bool | None:
        """True once the flips reach the target; None without a target or a shown count."""
        if self.target is None or self.flipped is None:
            return None
        return self.flipped >= self.target


def _flipped(session: Session, year: int, last: date) -> dict[int, Counter[str]]:
    flips: dict[int, Counter[str]] = defaultdict(Counter)
    for provider, on in session.exec(
        select(col(Lease.care_provider_id), col(Lease.transferred_on)).where(
            col(Lease.is_institution).is_(True),
            col(Lease.transferred_on) >= date(year, 1, 1), col(Lease.transferred_on) <= last,
        )
    ):
        if provider is not None and on is not None:
            flips[provider][QUARTERS[(on.month - 1) // 3]] += 1
    return flips


def flip_progress(session: Session, *, year: int, as_of: date, reader: Reader,
                  care_provider_id: int | None = None) -> list[FlipProgress]:
    """One row per care provider with a target in `year` or flips in it up to `as_of` (only
    `care_provider_id`'s when given), by name, then the total row when there are several.
    For the municipality quarters of 1 to 4 flips are hidden (None), as in the reports."""
    targets = {
        target.care_provider_id: target.target
        for target in session.exec(
            select(InstitutionFlipTarget).where(InstitutionFlipTarget.year == year))
    }
    last = min(as_of, date(year, 12, 31))
    flips = _flipped(session, year, last) if last >= date(year, 1, 1) else {}
    providers = set(targets) | set(flips)
    if care_provider_id is not None:
        providers &= {care_provider_id}
    names = {
        organisation.id: organisation.name
        for organisation in session.exec(
            select(Organisation).where(col(Organisation.id).in_(providers),
                                       Organisation.kind == OrganisationKind.CARE_PROVIDER))
        if organisation.id is not None
    } if providers else {}
    evaluated = as_of >= date(year, 12, 31)
    rows: list[FlipProgress] = []
    for provider, name in sorted(names.items(), key=lambda item: item[1]):
        counts = flips.get(provider, Counter())
        hidden = reader.hidden({quarter: counts[quarter] for quarter in QUARTERS})
        rows.append(FlipProgress(
            care_provider_id=provider, care_provider=name, target=targets.get(provider),
            per_quarter={q: None if q in hidden else counts[q] for q in QUARTERS},
            flipped=reader.clients(sum(counts.values())), evaluated=evaluated,
        ))
    if len(rows) > 1:
        every = Counter[str]()
        for counts in flips.values():
            every.update(counts)
        hidden = reader.hidden({quarter: every[quarter] for quarter in QUARTERS})
        known = [row.target for row in rows if row.target is not None]
        rows.append(FlipProgress(
            care_provider_id=None, care_provider="", target=sum(known) if known else None,
            per_quarter={q: None if q in hidden else every[q] for q in QUARTERS},
            flipped=reader.clients(sum(every.values())), evaluated=evaluated,
        ))
    return rows
