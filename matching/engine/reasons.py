"""Why a rule excludes one client, as one full sentence naming the condition that failed.

A rule can fail on more than one condition (the designation rule on the phase or on the
consent to a flip lease); the matcher needs to know which one to act on, so the dry run names
it with the facts that decided it. Pure functions over the engine's plain data, Dutch first.
"""

from decimal import Decimal

from matching.engine.facts import ClientFacts, DwellingFacts, Limits
from matching.engine.rules import age, housing_benefit, rent_limit, young_adult

Sentence = tuple[str, str]  # (Dutch, English)

# The reason code (seeds/reason_codes.csv) of an exclusion rule, where the list has one: the
# two young-adult cases of domain brief scenario 3 are RENT_TOO_HIGH and
# NO_HOUSING_BENEFIT_ELIGIBILITY.
RULE_REASON_CODES = {
    "household": "size_mismatch",
    "housing_benefit": "no_housing_benefit_eligibility",
    "affordability": "rent_too_high",
    "senior_label": "senior_label",
    "earmark": "earmarked_for_other_provider",
}

PHASE_NAMES = {"instroom": ("instroom", "inflow"), "uitstroom": ("uitstroom", "outflow")}


def _euro(amount: Decimal, dutch: bool) -> str:
    """'€ 879,66' in Dutch, '€879.66' in English."""
    text = f"{amount:.2f}"
    return f"€ {text.replace('.', ',')}" if dutch else f"€{text}"


def _phase(name: str) -> Sentence:
    return PHASE_NAMES.get(name, (name, name))


def _designation(client: ClientFacts, dwelling: DwellingFacts) -> Sentence:
    if client.phase != dwelling.designation:
        (d_nl, d_en), (c_nl, c_en) = _phase(dwelling.designation), _phase(client.phase)
        return (f"De woning is bestemd voor {d_nl} en de cliënt zit in de fase {c_nl}.",
                f"The dwelling is meant for {d_en} and the client is in the {c_en} phase.")
    return ("De cliënt heeft geen toestemming gegeven voor een omklapcontract, en deze woning "
            "wordt met een omklapcontract verhuurd.",
            "The client has not consented to a flip lease, and this dwelling is let with a "
            "flip lease.")


def _persons(count: int) -> Sentence:
    return (f"{count} persoon" if count == 1 else f"{count} personen",
            f"{count} person" if count == 1 else f"{count} persons")


def _household(client: ClientFacts, dwelling: DwellingFacts, limits: Limits) -> Sentence:
    persons = client.persons
    p_nl, p_en = _persons(persons)
    if persons > dwelling.rooms * limits.persons_per_room_max:
        most, rooms = limits.persons_per_room_max, dwelling.rooms
        plural = "" if rooms == 1 else "s"
        return (f"Het huishouden van {p_nl} is te groot voor {rooms} "
                f"kamer{plural}: ten hoogste {most} personen per kamer.",
                f"The household of {p_en} is too large for {rooms} room{plural}: "
                f"at most {most} persons per room.")
    needed = persons * limits.min_floor_area_per_person_m2
    return (f"Het huishouden van {p_nl} heeft ten minste {needed} m² nodig en de "
            f"woning heeft {dwelling.floor_area_m2} m².",
            f"The household of {p_en} needs at least {needed} m² and the dwelling "
            f"has {dwelling.floor_area_m2} m².")


def _no_housing_benefit(client: ClientFacts, dwelling: DwellingFacts,
                        limits: Limits) -> Sentence:
    years, grens = age(client, limits), limits.kwaliteitskortingsgrens
    return (f"Geen recht op huurtoeslag: de huur van {_euro(dwelling.rent, True)} ligt boven "
            f"de kwaliteitskortingsgrens ({_euro(grens, True)}) en de cliënt is dit jaar "
            f"{years}, jonger dan {limits.youth_age}; zonder huurtoeslag is de huur hoger dan "
            f"de {_euro(limits.youth_max_net_rent, True)} netto voor jongeren.",
            f"No housing-benefit eligibility: the rent of {_euro(dwelling.rent, False)} is "
            f"above the young-person limit ({_euro(grens, False)}) and the client is {years} "
            f"this year, under {limits.youth_age}; without housing benefit the rent is above "
            f"the young adults' {_euro(limits.youth_max_net_rent, False)} net.")


def _youth_net_rent(client: ClientFacts, dwelling: DwellingFacts, limits: Limits) -> Sentence:
    benefit = housing_benefit(client, dwelling, limits)
    net, most = dwelling.rent - benefit, limits.youth_max_net_rent
    if benefit:
        why_nl = f"na {_euro(benefit, True)} huurtoeslag"
        why_en = f"after {_euro(benefit, False)} housing benefit"
    elif not dwelling.self_contained:
        why_nl, why_en = ("een kamer zonder eigen voorzieningen geeft geen recht op "
                          "huurtoeslag", "a room with shared facilities gets no housing benefit")
    else:
        why_nl, why_en = ("boven de kwaliteitskortingsgrens geen recht op huurtoeslag",
                          "no housing benefit above the young-person limit")
    return (f"De netto huur van {_euro(net, True)} ligt boven de {_euro(most, True)} voor "
            f"jongeren tot {limits.youth_age} jaar ({why_nl}).",
            f"The net rent of {_euro(net, False)} is above the {_euro(most, False)} for young "
            f"adults under {limits.youth_age} ({why_en}).")


def _affordability(client: ClientFacts, dwelling: DwellingFacts, limits: Limits) -> Sentence:
    limit = rent_limit(client, limits)
    if young_adult(client, limits) and (limit is None or dwelling.rent <= limit):
        return _youth_net_rent(client, dwelling, limits)
    limit = limit or Decimal(0)
    return (f"De huur van {_euro(dwelling.rent, True)} ligt boven de grens van passend "
            f"toewijzen voor dit huishouden ({_euro(limit, True)}).",
            f"The rent of {_euro(dwelling.rent, False)} is above this household's "
            f"passend-toewijzen limit ({_euro(limit, False)}).")


def _needs(client: ClientFacts, dwelling: DwellingFacts) -> Sentence:
    if "ground_floor" in client.needs and dwelling.floor != 0:
        return (f"De cliënt heeft een woning op de begane grond nodig en deze woning ligt op "
                f"verdieping {dwelling.floor}.",
                f"The client needs a ground-floor dwelling and this dwelling is on floor "
                f"{dwelling.floor}.")
    if "lift" in client.needs and dwelling.floor != 0 and not dwelling.has_lift:
        return (f"De cliënt heeft een lift nodig en deze woning op verdieping {dwelling.floor} "
                f"heeft geen lift.",
                f"The client needs a lift and this dwelling on floor {dwelling.floor} has none.")
    return ("De cliënt heeft een rolstoeltoegankelijke woning nodig en deze woning is niet "
            "rolstoeltoegankelijk.",
            "The client needs a wheelchair-accessible dwelling and this dwelling is not "
            "wheelchair accessible.")


def why_excluded(rule: str, client: ClientFacts, dwelling: DwellingFacts,
                 limits: Limits) -> Sentence:
    """Say in one sentence which condition of the named rule excludes the client."""
    if rule == "designation":
        return _designation(client, dwelling)
    if rule == "household":
        return _household(client, dwelling, limits)
    if rule == "housing_benefit":
        return _no_housing_benefit(client, dwelling, limits)
    if rule == "affordability":
        return _affordability(client, dwelling, limits)
    if rule == "needs":
        return _needs(client, dwelling)
    if rule == "senior_label":
        years = age(client, limits)
        return (f"De woning heeft een seniorenlabel ({limits.senior_age}+) en de cliënt is "
                f"dit jaar {years} jaar.",
                f"The dwelling has a senior label ({limits.senior_age}+) and the client is "
                f"{years} this year.")
    if rule == "district":
        return (f"De woning ligt in de wijk {dwelling.wijk}, die de cliënt moet mijden.",
                f"The dwelling is in the district {dwelling.wijk}, which the client must avoid.")
    if rule == "earmark":
        return ("De woning is gereserveerd voor andere zorgaanbieders dan die van de cliënt.",
                "The dwelling is earmarked for care providers other than the client's.")
    if rule != "rejected_before":
        raise ValueError(f"unknown rule {rule!r}")
    return ("De cliënt is eerder voor deze woning afgewezen of heeft haar eerder afgeslagen.",
            "The client was rejected for this dwelling before or declined it before.")
