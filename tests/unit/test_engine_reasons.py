"""The dry run's sentence names the one condition that excluded a client, with its facts."""

from decimal import Decimal

import pytest

from matching.engine.reasons import why_excluded
from matching.engine.rules import RULE_NAMES, first_failing_rule
from tests.unit.test_engine_rules import LIMITS, a_client, a_dwelling


def _reason(client, dwelling) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    rule = first_failing_rule(client, dwelling, LIMITS)
    assert rule is not None, "the case must exclude the client"
    return why_excluded(rule, client, dwelling, LIMITS)


def test_a_flip_lease_without_consent_names_the_consent_not_the_phase():
    nl, en = _reason(a_client(flip_lease_ok=False), a_dwelling(lease_type="flip"))
    assert nl == ("De cliënt heeft geen toestemming gegeven voor een omklapcontract, en deze "
                  "woning wordt met een omklapcontract verhuurd.")
    assert "consented to a flip lease" in en
    assert "fase" not in nl


def test_a_phase_that_does_not_fit_names_both_phases_not_the_flip_lease():
    nl, en = _reason(a_client(phase="instroom", flip_lease_ok=False), a_dwelling())
    assert nl == "De woning is bestemd voor uitstroom en de cliënt zit in de fase instroom."
    assert en == "The dwelling is meant for outflow and the client is in the inflow phase."


def test_a_household_too_large_says_whether_rooms_or_floor_area_decide():
    rooms_nl, _ = _reason(a_client(adults=2, children=3), a_dwelling())
    assert rooms_nl == ("Het huishouden van 5 personen is te groot voor 2 kamers: ten hoogste "
                        "2 personen per kamer.")
    area_nl, area_en = _reason(a_client(adults=2, children=1), a_dwelling(floor_area_m2=30))
    assert area_nl == ("Het huishouden van 3 personen heeft ten minste 36 m² nodig en de woning "
                       "heeft 30 m².")
    assert "needs at least 36 m²" in area_en


def test_a_rent_above_the_limit_names_rent_and_limit_with_a_decimal_comma_in_dutch():
    nl, en = _reason(a_client(), a_dwelling(rent=Decimal("650.00")))
    assert nl == ("De huur van € 650,00 ligt boven de grens van passend toewijzen voor dit "
                  "huishouden (€ 597,30).")
    assert "€650.00" in en and "€597.30" in en


@pytest.mark.parametrize(("need", "dwelling_changes", "expected"), [
    ("ground_floor", {"floor": 2, "has_lift": True}, "op de begane grond nodig"),
    ("lift", {"floor": 3}, "heeft een lift nodig en deze woning op verdieping 3 heeft geen lift"),
    ("wheelchair", {}, "rolstoeltoegankelijke woning nodig"),
])
def test_each_need_is_named_on_its_own(need, dwelling_changes, expected):  # type: ignore[no-untyped-def]
    nl, _ = _reason(a_client(needs=frozenset({need})), a_dwelling(**dwelling_changes))
    assert expected in nl and nl.endswith(".")


def test_the_other_rules_each_give_a_full_sentence_of_their_own():
    cases = {
        "rejected_before": (a_client(), a_dwelling(rejected_client_ids=frozenset({1}))),
        "senior_label": (a_client(), a_dwelling(senior_label=True)),
        "district": (a_client(excluded_wijken=frozenset({"Overvecht"})), a_dwelling()),
        "earmark": (a_client(), a_dwelling(earmarked_care_provider_ids=frozenset({99}))),
    }
    sentences = {}
    for rule, (client, dwelling) in cases.items():
        assert first_failing_rule(client, dwelling, LIMITS) == rule
        sentences[rule] = why_excluded(rule, client, dwelling, LIMITS)
    assert len(set(sentences.values())) == len(cases)
    for nl, en in sentences.values():
        assert nl[0].isupper() and nl.endswith(".") and en[0].isupper() and en.endswith(".")
    assert "de cliënt is dit jaar 34 jaar" in sentences["senior_label"][0]
    assert "wijk Overvecht" in sentences["district"][0]


def test_every_rule_has_a_sentence_and_an_unknown_rule_is_refused():
    for rule in RULE_NAMES:
        nl, en = why_excluded(rule, a_client(), a_dwelling(), LIMITS)
        assert nl[0].isupper() and nl.endswith(".") and en.endswith(".")
    single = why_excluded("household", a_client(), a_dwelling(floor_area_m2=10), LIMITS)
    assert single[0].startswith("Het huishouden van 1 persoon heeft")
    with pytest.raises(ValueError, match="unknown rule"):
        why_excluded("colour", a_client(), a_dwelling(), LIMITS)
