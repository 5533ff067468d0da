"""The hard eligibility rules of product.md section 6, as pure functions.

Each rule answers whether a client may be proposed for a dwelling. They are checked in the
order of RULES; a client excluded by several rules is counted under the first, so the
counts add up: waiting = eligible + the sum of the exclusions.
"""

from collections.abc import Callable
from decimal import Decimal

from matching.engine.facts import ClientFacts, DwellingFacts, Limits


def not_rejected_before(client: ClientFacts, dwelling: DwellingFacts, _limits: Limits) -> bool:
    """Rule 1: never again propose a client rejected for (or who declined) this dwelling."""
    return client.id not in dwelling.rejected_client_ids


def designation_fits(client: ClientFacts, dwelling: DwellingFacts, _limits: Limits) -> bool:
    """Rule 2: an instroom dwelling for an instroom client, and a flip lease needs consent."""
    if client.phase != dwelling.designation:
        return False
    return dwelling.lease_type != "flip" or client.flip_lease_ok


def household_fits(client: ClientFacts, dwelling: DwellingFacts, limits: Limits) -> bool:
    """Rule 3: enough rooms and floor area for the household."""
    persons = client.persons
    return (
        persons <= dwelling.rooms * limits.persons_per_room_max
        and dwelling.floor_area_m2 >= persons * limits.min_floor_area_per_person_m2
    )


def age(client: ClientFacts, limits: Limits) -> int:
    """Return the client's age this year (only the birth year is kept)."""
    return limits.today.year - client.birth_year


def income_limit(client: ClientFacts, limits: Limits) -> int:
    """Return the housing-benefit income limit for the household's size."""
    if client.persons == 1:
        return limits.housing_benefit_income_limit_single
    return limits.housing_benefit_income_limit_multi


def rent_limit(client: ClientFacts, limits: Limits) -> Decimal | None:
    """Return the highest rent passend toewijzen allows for this household, or None."""
    if client.annual_income >= income_limit(client, limits):
        return None  # above the housing-benefit income limit: no cap from passend toewijzen
    if age(client, limits) < limits.youth_age:
        return limits.kwaliteitskortingsgrens
    if client.persons <= 2:
        return limits.aftoppingsgrens_low
    return limits.aftoppingsgrens_high


def young_adult(client: ClientFacts, limits: Limits) -> bool:
    """Return whether the young-adult rent rule applies: aged 18 up to (not incl.) youth_age."""
    return limits.youth_min_age <= age(client, limits) < limits.youth_age


def benefit_dwelling(dwelling: DwellingFacts, limits: Limits) -> bool:
    """Return whether a young adult can get housing benefit for this dwelling at all.

    Only for a self-contained dwelling (never a room with shared facilities) whose rent is
    at most the young-person limit (the kwaliteitskortingsgrens of the year).
    """
    return dwelling.self_contained and dwelling.rent <= limits.kwaliteitskortingsgrens


def housing_benefit(client: ClientFacts, dwelling: DwellingFacts, limits: Limits) -> Decimal:
    """Return the young adult's housing benefit for this dwelling (0 when none applies).

    The amount is the year parameter youth_housing_benefit: the plan gives one example
    (rent 411, benefit 188), not the benefit's formula.
    """
    if benefit_dwelling(dwelling, limits) and client.annual_income < income_limit(client, limits):
        return limits.youth_housing_benefit
    return Decimal(0)


def net_rent(client: ClientFacts, dwelling: DwellingFacts, limits: Limits) -> Decimal:
    """Return the rent minus the housing benefit the young adult would get."""
    return dwelling.rent - housing_benefit(client, dwelling, limits)


def housing_benefit_possible(client: ClientFacts, dwelling: DwellingFacts,
                             limits: Limits) -> bool:
    """Rule 4a: a young adult who needs housing benefit is not lost to the young-person limit.

    Fails for a young adult with an income under the benefit limit, in a self-contained
    dwelling whose rent is above the young-person limit (so no benefit) and above the
    young-adult net rent: no housing-benefit eligibility (NO_HOUSING_BENEFIT_ELIGIBILITY).
    A room gets no benefit whatever its rent: that is counted as rent too high (rule 4).
    """
    return not (
        young_adult(client, limits)
        and dwelling.self_contained
        and client.annual_income < income_limit(client, limits)
        and dwelling.rent > limits.kwaliteitskortingsgrens
        and dwelling.rent > limits.youth_max_net_rent
    )


def affordable(client: ClientFacts, dwelling: DwellingFacts, limits: Limits) -> bool:
    """Rule 4: the rent is within the household's passend-toewijzen limit and, for a young
    adult, the net rent (rent minus housing benefit) is at most youth_max_net_rent.

    Like passend toewijzen, the young-adult net rent caps only a household under the
    housing-benefit income limit (the plan's young adults live on a benefit); above that
    limit there is no cap, whatever the age.
    """
    limit = rent_limit(client, limits)
    if limit is None:
        return True  # at or above the housing-benefit income limit
    if dwelling.rent > limit:
        return False
    return not young_adult(client, limits) or (
        net_rent(client, dwelling, limits) <= limits.youth_max_net_rent)


def needs_met(client: ClientFacts, dwelling: DwellingFacts, _limits: Limits) -> bool:
    """Rule 5: ground floor, lift and wheelchair needs are met."""
    if "ground_floor" in client.needs and dwelling.floor != 0:
        return False
    if "lift" in client.needs and dwelling.floor != 0 and not dwelling.has_lift:
        return False
    return "wheelchair" not in client.needs or dwelling.accessible


def senior_label_fits(client: ClientFacts, dwelling: DwellingFacts, limits: Limits) -> bool:
    """Rule 5: a dwelling with a senior label (55+) only for clients of that age."""
    return not dwelling.senior_label or age(client, limits) >= limits.senior_age


def district_allowed(client: ClientFacts, dwelling: DwellingFacts, _limits: Limits) -> bool:
    """Rule 6: never a district the client must avoid (safety)."""
    return dwelling.wijk not in client.excluded_wijken


def earmark_allowed(client: ClientFacts, dwelling: DwellingFacts, _limits: Limits) -> bool:
    """Rule 6: an earmarked dwelling only for clients of the named care providers."""
    earmarks = dwelling.earmarked_care_provider_ids
    return not earmarks or client.care_provider_id in earmarks


Rule = Callable[[ClientFacts, DwellingFacts, Limits], bool]

# The order in which exclusions are counted; the names are the keys of the counts.
RULES: tuple[tuple[str, Rule], ...] = (
    ("rejected_before", not_rejected_before),
    ("designation", designation_fits),
    ("household", household_fits),
    ("housing_benefit", housing_benefit_possible),
    ("affordability", affordable),
    ("needs", needs_met),
    ("senior_label", senior_label_fits),
    ("district", district_allowed),
    ("earmark", earmark_allowed),
)
RULE_NAMES = tuple(name for name, _ in RULES)


def first_failing_rule(client: ClientFacts, dwelling: DwellingFacts, limits: Limits) -> str | None:
    """Return the name of the first rule that excludes the client, or None if eligible."""
    for name, rule in RULES:
        if not rule(client, dwelling, limits):
            return name
    return None
