"""The statushouder half-year task turned into dwellings and split over the corporations
(issue: statushouders pro rata).

The task counts persons; at the year's `persons_per_dwelling` (2 in 2019: the plan's 300
persons in 150 dwellings) it needs that many dwellings, rounded up, and these are split over
the corporations by the same largest-remainder method and corporation weights as the MO/BW
quotas (matching/planning.py). 2019-I: 108 persons at 2 a dwelling is 54 dwellings.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session, col, select

from matching import planning
from matching.models import Organisation
from matching.parameters import year_parameters
from matching.quarters import parse_half
from matching.reports.statushouders import StatushouderHalf
from matching.services.planning import corporation_weights


@dataclass(frozen=True)
class CorporationDwellings:
    corporation_id: int
    corporation: str
    dwellings: int


@dataclass(frozen=True)
class StatushouderSplit:
    half: str
    persons: int  # the half-year task in persons
    persons_per_dwelling: Decimal
    dwellings_needed: int
    per_corporation: list[CorporationDwellings] = field(default_factory=list)


def statushouder_split(session: Session, figures: StatushouderHalf) -> StatushouderSplit:
    """The half-year's task in dwellings and each corporation's share of them (an empty
    split when the year has no corporation weights)."""
    year = parse_half(figures.half).year
    per = year_parameters(session, year).persons_per_dwelling
    needed = planning.dwellings_for_persons(figures.task, per)
    weights = corporation_weights(session, year)
    if not weights:
        return StatushouderSplit(figures.half, figures.task, per, needed)
    names = dict(session.exec(select(Organisation.id, Organisation.name)
                              .where(col(Organisation.id).in_(list(weights)))).all())
    shares = planning.largest_remainder(needed, list(weights.values()))
    return StatushouderSplit(figures.half, figures.task, per, needed, [
        CorporationDwellings(corporation_id, names.get(corporation_id, "–"), dwellings)
        for corporation_id, dwellings in zip(weights, shares, strict=True)
    ])
