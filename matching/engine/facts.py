"""Plain data the engine reasons about: no database, no Flask."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from matching.parameters import YearParameters


@dataclass(frozen=True)
class ClientFacts:
    id: int
    care_provider_id: int
    target_group: str
    phase: str  # instroom or uitstroom
    adults: int
    children: int
    birth_year: int
    annual_income: int
    needs: frozenset[str]
    excluded_wijken: frozenset[str]
    flip_lease_ok: bool
    waiting_since: date

    @property
    def persons(self) -> int:
        return self.adults + self.children


@dataclass(frozen=True)
class DwellingFacts:
    id: int
    wijk: str
    rooms: int
    floor_area_m2: int
    rent: Decimal
    floor: int
    has_lift: bool
    accessible: bool
    senior_label: bool
    designation: str
    lease_type: str
    earmarked_care_provider_ids: frozenset[int]
    rejected_client_ids: frozenset[int]
    self_contained: bool = True  # False: a room with shared facilities, no housing benefit


@dataclass(frozen=True)
class Limits:
    """The year's household and affordability parameters (passend toewijzen)."""

    today: date
    persons_per_room_max: int
    min_floor_area_per_person_m2: int
    aftoppingsgrens_low: Decimal  # one and two persons
    aftoppingsgrens_high: Decimal  # three persons or more
    kwaliteitskortingsgrens: Decimal
    housing_benefit_income_limit_single: int
    housing_benefit_income_limit_multi: int
    youth_age: int = 23
    senior_age: int = 55
    # Young adults (18 up to youth_age): net rent (rent minus housing benefit) at most this.
    youth_min_age: int = 18
    youth_max_net_rent: Decimal = Decimal("250")
    youth_housing_benefit: Decimal = Decimal("188")


def limits_for(parameters: YearParameters, today: date) -> Limits:
    return Limits(
        today=today,
        persons_per_room_max=parameters.persons_per_room_max,
        min_floor_area_per_person_m2=parameters.min_floor_area_per_person_m2,
        aftoppingsgrens_low=parameters.aftoppingsgrens_low,
        aftoppingsgrens_high=parameters.aftoppingsgrens_high,
        kwaliteitskortingsgrens=parameters.kwaliteitskortingsgrens,
        housing_benefit_income_limit_single=parameters.housing_benefit_income_limit_single,
        housing_benefit_income_limit_multi=parameters.housing_benefit_income_limit_multi,
        youth_max_net_rent=parameters.youth_max_net_rent,
        youth_housing_benefit=parameters.youth_housing_benefit,
    )
