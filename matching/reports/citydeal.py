"""The City Deal contingent of a year, its own contingent beside the care providers' ones:
the target (the year's allocation-target lines of target group citydeal: 30 dwellings in 2019
[001], 12 places in 2025 [002]), the clients the Citydeal-overleg nominated, and the City Deal
clients housed, evaluated at the year end.

Housed counts as the verdeelbesluit's realisation does (reports/allocation.py): a lease made
by letting a dwelling through the workflow to a client of target group citydeal, whose start
falls in the year and not after `as_of`; `housed_nominated` the part of them the
Citydeal-overleg nominated. Nominations count by their day in the year up to `as_of`. For the
municipality a count of 1 to 4 clients is null (Reader.clients). A year without a City Deal
target, nominations or housed City Deal clients has no City Deal section (None).
"""

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from matching.models import AllocationTarget, Client, Lease
from matching.reports.period import Period, Reader
from matching.services.citydeal import CITYDEAL


@dataclass
class CityDeal:
    year: int
    target: int | None
    source: str
    nominated: int | None
    housed: int | None
    housed_nominated: int | None
    as_of: date
    evaluated: bool  # the year has ended: the verdict is final

    @property
    def remaining(self) -> int | None:
        if self.target is None or self.housed is None:
            return None
        return max(self.target - self.housed, 0)

    @property
    def pct_of_target(self) -> float | None:
        if not self.target or self.housed is None:
            return None
        return round(100 * self.housed / self.target, 1)

    @property
    def met(self) -> bool | None:
        """True once the housed reach the target; None without a target or a shown count."""
        if self.target is None or self.housed is None:
            return None
        return self.housed >= self.target

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values.pop("as_of")  # the report's own as_of
        values.update(remaining=self.remaining, pct_of_target=self.pct_of_target, met=self.met)
        return values


def citydeal_year(session: Session, *, year: int, as_of: date, reader: Reader) -> CityDeal | None:
    """The year's City Deal contingent as of the end of `as_of`."""
    lines = list(session.exec(select(AllocationTarget).where(
        AllocationTarget.year == year, AllocationTarget.target_group == CITYDEAL)))
    first, last = date(year, 1, 1), min(as_of, date(year, 12, 31))
    nominated = session.exec(select(func.count()).select_from(Client).where(
        Client.target_group == CITYDEAL, col(Client.citydeal_nominated_on) >= first,
        col(Client.citydeal_nominated_on) <= last)).one()
    housed, housed_nominated = 0, 0
    for nominated_on in session.exec(
        select(col(Client.citydeal_nominated_on)).join(Lease, col(Lease.client_id) == Client.id)
        .where(Client.target_group == CITYDEAL, col(Lease.dwelling_id).is_not(None),
               col(Lease.is_institution).is_(False), col(Lease.start_on) >= first,
               col(Lease.start_on) <= last)
    ).all():
        housed += 1
        housed_nominated += nominated_on is not None
    if not lines and not nominated and not housed:
        return None
    return CityDeal(
        year=year,
        target=sum(line.places for line in lines) if lines else None,
        source="; ".join(line.source for line in lines),
        nominated=reader.clients(nominated),
        housed=reader.clients(housed),
        housed_nominated=reader.clients(housed_nominated),
        as_of=as_of,
        evaluated=as_of >= date(year, 12, 31),
    )


def citydeal_section(session: Session, period: Period, reader: Reader, as_of: date
                     ) -> dict[str, Any] | None:
    """The report's `citydeal` section: the year of the period, up to `as_of` (a corporation
    reads only its own figures, so it gets none)."""
    if reader.corporation_id is not None:
        return None
    found = citydeal_year(session, year=period.year, as_of=as_of, reader=reader)
    return found.as_dict() if found is not None else None
