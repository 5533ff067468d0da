"""The young-adult rent rule (domain brief 3.7 and scenario 3) and SSH's cap per student
complex, on the pure functions: no database."""

import csv
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from matching.engine.facts import ClientFacts, DwellingFacts, Limits
from matching.engine.reasons import RULE_REASON_CODES, why_excluded
from matching.engine.rules import (
    RULE_NAMES,
    affordable,
    first_failing_rule,
    housing_benefit,
    housing_benefit_possible,
    net_rent,
    young_adult,
)
from matching.services.student_complexes import ComplexShare

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TODAY = date(2019, 8, 1)
LIMITS = Limits(
    today=TODAY, persons_per_room_max=2, min_floor_area_per_person_m2=12,
    aftoppingsgrens_low=Decimal("597.30"), aftoppingsgrens_high=Decimal("640.14"),
    kwaliteitskortingsgrens=Decimal("424.44"), housing_benefit_income_limit_single=22700,
    housing_benefit_income_limit_multi=30825,
)
# The scenario's client: 19, €960 a month.
CLIENT = ClientFacts(
    id=1, care_provider_id=11, target_group="jongvolwassene", phase="uitstroom", adults=1,
    children=0, birth_year=2000, annual_income=11520, needs=frozenset(),
    excluded_wijken=frozenset(), flip_lease_ok=True, waiting_since=date(2019, 7, 2),
)
FLAT = DwellingFacts(
    id=1, wijk="Oost", rooms=1, floor_area_m2=30, rent=Decimal("411.00"), floor=0,
    has_lift=False, accessible=False, senior_label=False, designation="uitstroom",
    lease_type="campus", earmarked_care_provider_ids=frozenset(),
    rejected_client_ids=frozenset(), self_contained=True,
)
ROOM = replace(FLAT, self_contained=False)


def test_scenario_3_a_self_contained_dwelling_at_411_nets_223_and_is_affordable():
    assert young_adult(CLIENT, LIMITS)
    assert housing_benefit(CLIENT, FLAT, LIMITS) == Decimal("188")
    assert net_rent(CLIENT, FLAT, LIMITS) == Decimal("223.00")
    assert first_failing_rule(CLIENT, FLAT, LIMITS) is None


def test_scenario_3_b_a_room_at_411_gets_no_benefit_and_is_rent_too_high():
    assert housing_benefit(CLIENT, ROOM, LIMITS) == 0
    assert net_rent(CLIENT, ROOM, LIMITS) == Decimal("411.00")
    assert first_failing_rule(CLIENT, ROOM, LIMITS) == "affordability"
    assert RULE_REASON_CODES["affordability"] == "rent_too_high"
    nl, en = why_excluded("affordability", CLIENT, ROOM, LIMITS)
    assert nl == ("De netto huur van € 411,00 ligt boven de € 250,00 voor jongeren tot 23 jaar "
                  "(een kamer zonder eigen voorzieningen geeft geen recht op huurtoeslag).")
    assert en == ("The net rent of €411.00 is above the €250.00 for young adults under 23 "
                  "(a room with shared facilities gets no housing benefit).")


def test_scenario_3_c_above_the_young_person_limit_there_is_no_benefit_eligibility():
    dear = replace(FLAT, rent=Decimal("450.00"))
    assert housing_benefit(CLIENT, dear, LIMITS) == 0
    assert first_failing_rule(CLIENT, dear, LIMITS) == "housing_benefit"
    assert RULE_REASON_CODES["housing_benefit"] == "no_housing_benefit_eligibility"
    nl, en = why_excluded("housing_benefit", CLIENT, dear, LIMITS)
    assert nl.startswith("Geen recht op huurtoeslag: de huur van € 450,00 ligt boven de "
                         "kwaliteitskortingsgrens (€ 424,44) en de cliënt is dit jaar 19")
    assert en.startswith("No housing-benefit eligibility: the rent of €450.00 is above the "
                         "young-person limit (€424.44)")
    # On the limit itself the benefit still applies.
    assert first_failing_rule(CLIENT, replace(FLAT, rent=Decimal("424.44")), LIMITS) is None


def test_the_rule_is_for_18_up_to_23_only():
    for age, young in ((17, False), (18, True), (22, True), (23, False)):
        client = replace(CLIENT, birth_year=TODAY.year - age)
        assert young_adult(client, LIMITS) is young, age
    older = replace(CLIENT, birth_year=TODAY.year - 23)
    assert affordable(older, ROOM, LIMITS)  # 23: passend toewijzen only (411 <= 597.30)


def test_at_or_above_the_income_limit_no_benefit_and_no_cap_as_in_passend_toewijzen():
    rich = replace(CLIENT, annual_income=22700)
    assert housing_benefit(rich, FLAT, LIMITS) == 0
    for dwelling in (FLAT, ROOM, replace(FLAT, rent=Decimal("450.00"))):
        assert first_failing_rule(rich, dwelling, LIMITS) is None
    assert first_failing_rule(replace(rich, annual_income=22699), ROOM, LIMITS) == (
        "affordability")


@given(age=st.integers(16, 30), income=st.integers(5000, 40000), adults=st.integers(1, 2),
       rent=st.integers(20000, 70000).map(lambda c: Decimal(c).scaleb(-2)),
       self_contained=st.booleans(), benefit=st.integers(0, 30000).map(
           lambda c: Decimal(c).scaleb(-2)))
def test_net_rent_and_the_two_reasons_follow_the_brief(age: int, income: int, adults: int,
                                                       rent: Decimal, self_contained: bool,
                                                       benefit: Decimal):
    limits = replace(LIMITS, youth_housing_benefit=benefit)
    client = replace(CLIENT, birth_year=TODAY.year - age, annual_income=income, adults=adults)
    dwelling = replace(FLAT, rent=rent, self_contained=self_contained)
    young = 18 <= age < 23
    below = income < (22700 if adults == 1 else 30825)
    gets_benefit = self_contained and rent <= Decimal("424.44") and below
    net = rent - benefit if gets_benefit else rent
    lost = young and below and self_contained and rent > Decimal("424.44") and rent > 250
    assert housing_benefit_possible(client, dwelling, limits) is not lost
    passend = rent <= (Decimal("424.44") if age < 23 else Decimal("597.30"))
    assert affordable(client, dwelling, limits) is (
        not below or (passend and (not young or net <= 250)))


def test_the_rule_names_have_their_reason_codes_in_the_seeds():
    with (SEEDS / "reason_codes.csv").open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    assert set(RULE_REASON_CODES) <= set(RULE_NAMES)
    assert set(RULE_REASON_CODES.values()) <= codes


def test_the_cap_is_the_share_of_the_units_rounded_down():
    pct = Decimal("15")
    assert ComplexShare("A", 7, 0, pct).cap == 1
    assert ComplexShare("A", 20, 2, pct).cap == 3 and not ComplexShare("A", 20, 2, pct).full
    assert ComplexShare("A", 20, 3, pct).full
    assert ComplexShare("A", 6, 0, pct).cap == 0 and ComplexShare("A", 6, 0, pct).full
    assert ComplexShare("A", 100, 0, Decimal("15.0000")).pct_text == "15"
