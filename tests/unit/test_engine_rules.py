"""The pure eligibility rules and ranking policy of the matching engine (product.md section 6).

No database: clients, dwellings, limits and ranking contexts are built by hand or by
hypothesis, and each documented behaviour is checked on the pure functions.
"""

import copy
import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

from matching.engine.facts import ClientFacts, DwellingFacts, Limits
from matching.engine.ranking import (
    GroupStanding,
    ProviderStanding,
    RankingContext,
    RankingPolicy,
    group_points,
    provider_points,
    rank_groups,
    score,
    sort_key,
)
from matching.engine.rules import (
    RULE_NAMES,
    RULES,
    affordable,
    designation_fits,
    district_allowed,
    earmark_allowed,
    first_failing_rule,
    household_fits,
    needs_met,
    not_rejected_before,
    rent_limit,
    senior_label_fits,
)

TODAY = date(2019, 10, 15)
LIMITS = Limits(
    today=TODAY,
    persons_per_room_max=2,
    min_floor_area_per_person_m2=12,
    aftoppingsgrens_low=Decimal("597.30"),
    aftoppingsgrens_high=Decimal("640.14"),
    kwaliteitskortingsgrens=Decimal("424.44"),
    housing_benefit_income_limit_single=22700,
    housing_benefit_income_limit_multi=30825,
)
NEEDS = ("ground_floor", "lift", "wheelchair")
WIJKEN = ("Overvecht", "West", "Zuidwest", "Noordwest", "Oost", "Noordoost", "Leidsche Rijn")
PROVIDERS = (11, 12, 13, 14)
GROUPS = ("mobw_uitstroom", "vrouwenopvang", "statushouder", "jongvolwassene")
POLICY = RankingPolicy(version="test/1")


def a_client(**changes: object) -> ClientFacts:
    """A single adult of 34 on a low income, eligible for `a_dwelling()`."""
    base = ClientFacts(
        id=1, care_provider_id=11, target_group="mobw_uitstroom", phase="uitstroom", adults=1,
        children=0, birth_year=1985, annual_income=16000, needs=frozenset(),
        excluded_wijken=frozenset(), flip_lease_ok=True, waiting_since=date(2019, 6, 1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def a_dwelling(**changes: object) -> DwellingFacts:
    """A two-room ground-floor uitstroom dwelling in Overvecht at a low rent."""
    base = DwellingFacts(
        id=1, wijk="Overvecht", rooms=2, floor_area_m2=48, rent=Decimal("400.00"), floor=0,
        has_lift=False, accessible=False, senior_label=False, designation="uitstroom",
        lease_type="direct", earmarked_care_provider_ids=frozenset(),
        rejected_client_ids=frozenset(),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def limits(draw: st.DrawFn) -> Limits:
    """Any year's limits: the rules must not depend on the seed values or their order."""
    return Limits(
        today=date(draw(st.integers(2018, 2030)), draw(st.integers(1, 12)), 1),
        persons_per_room_max=draw(st.integers(1, 3)),
        min_floor_area_per_person_m2=draw(st.integers(6, 20)),
        aftoppingsgrens_low=draw(cents(50000, 70000)),
        aftoppingsgrens_high=draw(cents(55000, 75000)),
        kwaliteitskortingsgrens=draw(cents(40000, 50000)),
        housing_benefit_income_limit_single=draw(st.integers(18000, 26000)),
        housing_benefit_income_limit_multi=draw(st.integers(24000, 34000)),
        youth_max_net_rent=draw(cents(20000, 30000)),
        youth_housing_benefit=draw(cents(10000, 25000)),
    )


@st.composite
def clients(draw: st.DrawFn, today: date = TODAY) -> ClientFacts:
    return ClientFacts(
        id=draw(st.integers(1, 60)),
        care_provider_id=draw(st.sampled_from(PROVIDERS)),
        target_group=draw(st.sampled_from(GROUPS)),
        phase=draw(st.sampled_from(("uitstroom", "instroom"))),
        adults=draw(st.integers(1, 3)),
        children=draw(st.integers(0, 5)),
        birth_year=draw(st.integers(today.year - 85, today.year - 17)),
        annual_income=draw(st.integers(8000, 40000)),
        needs=frozenset(draw(st.sets(st.sampled_from(NEEDS)))),
        excluded_wijken=frozenset(draw(st.sets(st.sampled_from(WIJKEN), max_size=3))),
        flip_lease_ok=draw(st.booleans()),
        waiting_since=today - timedelta(days=draw(st.integers(0, 800))),
    )


@st.composite
def dwellings(draw: st.DrawFn) -> DwellingFacts:
    return DwellingFacts(
        id=draw(st.integers(1, 10)),
        wijk=draw(st.sampled_from(WIJKEN)),
        rooms=draw(st.integers(1, 5)),
        floor_area_m2=draw(st.integers(15, 120)),
        rent=draw(cents(30000, 80000)),
        floor=draw(st.integers(0, 6)),
        has_lift=draw(st.booleans()),
        accessible=draw(st.booleans()),
        senior_label=draw(st.booleans()),
        designation=draw(st.sampled_from(("uitstroom", "instroom"))),
        lease_type=draw(st.sampled_from(("direct", "flip", "campus"))),
        earmarked_care_provider_ids=frozenset(draw(st.sets(st.sampled_from(PROVIDERS),
                                                           max_size=2))),
        rejected_client_ids=frozenset(draw(st.sets(st.integers(1, 60), max_size=5))),
        self_contained=draw(st.booleans()),
    )


def income_limit(client: ClientFacts, limits: Limits) -> int:
    if client.persons == 1:
        return limits.housing_benefit_income_limit_single
    return limits.housing_benefit_income_limit_multi


def rent_near(limits: Limits) -> st.SearchStrategy[Decimal]:
    """Rents on, just under and just over each limit, and anything in between."""
    edges = [
        value + step
        for value in (limits.aftoppingsgrens_low, limits.aftoppingsgrens_high,
                      limits.kwaliteitskortingsgrens)
        for step in (Decimal("-0.01"), Decimal("0.00"), Decimal("0.01"))
    ]
    return st.one_of(st.sampled_from(edges), cents(30000, 80000))


# --- rule 1: not rejected before ------------------------------------------------------------


@given(client=clients(), dwelling=dwellings())
def test_a_client_rejected_for_this_dwelling_before_is_excluded_and_no_one_else(
    client: ClientFacts, dwelling: DwellingFacts
):
    assert not_rejected_before(client, dwelling, LIMITS) == (
        client.id not in dwelling.rejected_client_ids)
    rejected = replace(dwelling, rejected_client_ids=dwelling.rejected_client_ids | {client.id})
    assert not not_rejected_before(client, rejected, LIMITS)
    assert first_failing_rule(client, rejected, LIMITS) == "rejected_before"


# --- rule 2: designation and flip consent ---------------------------------------------------


@given(client=clients(), dwelling=dwellings())
def test_the_designation_must_fit_the_phase_and_a_flip_lease_needs_consent(
    client: ClientFacts, dwelling: DwellingFacts
):
    expected = client.phase == dwelling.designation and (
        dwelling.lease_type != "flip" or client.flip_lease_ok)
    assert designation_fits(client, dwelling, LIMITS) == expected


def test_an_instroom_dwelling_is_only_for_instroom_clients():
    instroom = a_dwelling(designation="instroom")
    assert designation_fits(a_client(phase="instroom"), instroom, LIMITS)
    assert not designation_fits(a_client(phase="uitstroom"), instroom, LIMITS)
    assert not designation_fits(a_client(phase="instroom"), a_dwelling(), LIMITS)


def test_a_flip_lease_needs_the_providers_consent_and_other_leases_do_not():
    no_consent = a_client(flip_lease_ok=False)
    assert not designation_fits(no_consent, a_dwelling(lease_type="flip"), LIMITS)
    assert designation_fits(a_client(flip_lease_ok=True), a_dwelling(lease_type="flip"), LIMITS)
    assert designation_fits(no_consent, a_dwelling(lease_type="direct"), LIMITS)
    assert designation_fits(no_consent, a_dwelling(lease_type="campus"), LIMITS)


# --- rule 3: household ----------------------------------------------------------------------


@given(client=clients(), dwelling=dwellings(), limits=limits())
def test_a_household_fits_when_persons_per_room_and_floor_area_per_person_allow(
    client: ClientFacts, dwelling: DwellingFacts, limits: Limits
):
    persons = client.adults + client.children
    expected = (persons <= dwelling.rooms * limits.persons_per_room_max
                and dwelling.floor_area_m2 >= persons * limits.min_floor_area_per_person_m2)
    assert household_fits(client, dwelling, limits) == expected


@given(client=clients(), dwelling=dwellings(), limits=limits(),
       extra_rooms=st.integers(0, 3), extra_area=st.integers(0, 40))
def test_more_rooms_or_area_never_makes_a_household_stop_fitting_and_a_child_never_helps(
    client: ClientFacts, dwelling: DwellingFacts, limits: Limits, extra_rooms: int,
    extra_area: int,
):
    bigger = replace(dwelling, rooms=dwelling.rooms + extra_rooms,
                     floor_area_m2=dwelling.floor_area_m2 + extra_area)
    if household_fits(client, dwelling, limits):
        assert household_fits(client, bigger, limits)
    larger = replace(client, children=client.children + 1)
    if household_fits(larger, dwelling, limits):
        assert household_fits(client, dwelling, limits)


def test_household_boundaries_on_the_seed_norms_of_two_per_room_and_twelve_square_metres():
    couple = a_client(adults=2)
    assert household_fits(couple, a_dwelling(rooms=1, floor_area_m2=24), LIMITS)
    assert not household_fits(couple, a_dwelling(rooms=1, floor_area_m2=23), LIMITS)
    family = a_client(adults=2, children=1)
    assert not household_fits(family, a_dwelling(rooms=1, floor_area_m2=80), LIMITS)
    assert household_fits(family, a_dwelling(rooms=2, floor_area_m2=36), LIMITS)


# --- rule 4: affordability (passend toewijzen) ----------------------------------------------


@given(limits=limits(), data=st.data(), adults=st.integers(1, 2), children=st.integers(0, 1),
       age=st.integers(23, 90), below=st.integers(1, 15000))
def test_under_the_income_limit_one_or_two_persons_of_23_or_over_get_at_most_the_low_limit(
    limits: Limits, data: st.DataObject, adults: int, children: int, age: int, below: int
):
    assume(adults + children <= 2)
    client = a_client(adults=adults, children=children, birth_year=limits.today.year - age)
    client = replace(client, annual_income=max(0, income_limit(client, limits) - below))
    rent = data.draw(rent_near(limits))
    assert rent_limit(client, limits) == limits.aftoppingsgrens_low
    assert affordable(client, a_dwelling(rent=rent), limits) == (
        rent <= limits.aftoppingsgrens_low)


@given(limits=limits(), data=st.data(), adults=st.integers(1, 3), children=st.integers(0, 5),
       age=st.integers(23, 90), below=st.integers(1, 15000))
def test_under_the_income_limit_three_persons_or_more_of_23_or_over_get_the_high_limit(
    limits: Limits, data: st.DataObject, adults: int, children: int, age: int, below: int
):
    assume(adults + children >= 3)
    client = a_client(adults=adults, children=children, birth_year=limits.today.year - age)
    client = replace(client, annual_income=max(0, income_limit(client, limits) - below))
    rent = data.draw(rent_near(limits))
    assert rent_limit(client, limits) == limits.aftoppingsgrens_high
    assert affordable(client, a_dwelling(rent=rent), limits) == (
        rent <= limits.aftoppingsgrens_high)


@given(limits=limits(), data=st.data(), adults=st.integers(1, 3), children=st.integers(0, 5),
       age=st.integers(16, 22), below=st.integers(1, 15000))
def test_under_the_income_limit_a_client_under_23_gets_at_most_the_kwaliteitskortingsgrens(
    limits: Limits, data: st.DataObject, adults: int, children: int, age: int, below: int
):
    client = a_client(adults=adults, children=children, birth_year=limits.today.year - age)
    client = replace(client, annual_income=max(0, income_limit(client, limits) - below))
    rent = data.draw(rent_near(limits))
    assert rent_limit(client, limits) == limits.kwaliteitskortingsgrens
    # From 18 the young-adult net rent applies on top: a self-contained dwelling within the
    # limit gets the year's housing benefit off the rent (the young-adult tests below).
    within = rent <= limits.kwaliteitskortingsgrens
    net_ok = age < 18 or rent - limits.youth_housing_benefit <= limits.youth_max_net_rent
    assert affordable(client, a_dwelling(rent=rent), limits) == (within and net_ok)


@given(limits=limits(), client=clients(), above=st.integers(0, 50000), rent=cents(0, 500000))
def test_at_or_above_the_income_limit_there_is_no_cap_whatever_the_age_or_size(
    limits: Limits, client: ClientFacts, above: int, rent: Decimal
):
    rich = replace(client, annual_income=income_limit(client, limits) + above)
    assert rent_limit(rich, limits) is None
    assert affordable(rich, a_dwelling(rent=rent), limits)


def test_the_single_income_limit_applies_to_one_person_and_the_multi_limit_to_more():
    # 25,000 is above the single limit (22,700) but under the multi limit (30,825).
    expensive = a_dwelling(rent=Decimal("620.00"))
    assert affordable(a_client(annual_income=25000), expensive, LIMITS)
    assert not affordable(a_client(adults=2, annual_income=25000), expensive, LIMITS)
    assert affordable(a_client(adults=2, annual_income=30825), expensive, LIMITS)
    assert not affordable(a_client(adults=2, annual_income=30824), expensive, LIMITS)


def test_affordability_boundaries_on_the_2019_limits():
    single = a_client()
    assert affordable(single, a_dwelling(rent=Decimal("597.30")), LIMITS)
    assert not affordable(single, a_dwelling(rent=Decimal("597.31")), LIMITS)
    family = a_client(adults=2, children=1)
    assert affordable(family, a_dwelling(rent=Decimal("640.14")), LIMITS)
    assert not affordable(family, a_dwelling(rent=Decimal("640.15")), LIMITS)
    aged_22, aged_23 = a_client(birth_year=1997), a_client(birth_year=1996)
    assert affordable(aged_22, a_dwelling(rent=Decimal("424.44")), LIMITS)
    assert not affordable(aged_22, a_dwelling(rent=Decimal("424.45")), LIMITS)
    assert affordable(aged_23, a_dwelling(rent=Decimal("424.45")), LIMITS)


# --- rule 5: needs and senior label ---------------------------------------------------------


@given(client=clients(), dwelling=dwellings())
def test_needs_are_met_only_when_floor_lift_and_wheelchair_access_allow(
    client: ClientFacts, dwelling: DwellingFacts
):
    ground = "ground_floor" not in client.needs or dwelling.floor == 0
    lift = "lift" not in client.needs or dwelling.floor == 0 or dwelling.has_lift
    wheelchair = "wheelchair" not in client.needs or dwelling.accessible
    assert needs_met(client, dwelling, LIMITS) == (ground and lift and wheelchair)


@given(dwelling=dwellings())
def test_a_client_without_needs_has_them_met_anywhere(dwelling: DwellingFacts):
    assert needs_met(a_client(needs=frozenset()), dwelling, LIMITS)


def test_each_need_on_its_own():
    ground_floor, lift = a_client(needs=frozenset({"ground_floor"})), a_client(
        needs=frozenset({"lift"}))
    wheelchair = a_client(needs=frozenset({"wheelchair"}))
    assert needs_met(ground_floor, a_dwelling(floor=0), LIMITS)
    assert not needs_met(ground_floor, a_dwelling(floor=1, has_lift=True), LIMITS)
    assert needs_met(lift, a_dwelling(floor=3, has_lift=True), LIMITS)
    assert needs_met(lift, a_dwelling(floor=0, has_lift=False), LIMITS)
    assert not needs_met(lift, a_dwelling(floor=1, has_lift=False), LIMITS)
    assert needs_met(wheelchair, a_dwelling(accessible=True), LIMITS)
    assert not needs_met(wheelchair, a_dwelling(floor=0, accessible=False), LIMITS)


@given(client=clients(), dwelling=dwellings(), limits=limits())
def test_a_senior_label_dwelling_is_only_for_clients_of_55_or_over(
    client: ClientFacts, dwelling: DwellingFacts, limits: Limits
):
    age = limits.today.year - client.birth_year
    assert senior_label_fits(client, dwelling, limits) == (not dwelling.senior_label or age >= 55)


def test_the_senior_label_boundary_is_the_year_of_the_55th_birthday():
    senior = a_dwelling(senior_label=True)
    assert senior_label_fits(a_client(birth_year=1964), senior, LIMITS)
    assert not senior_label_fits(a_client(birth_year=1965), senior, LIMITS)
    assert senior_label_fits(a_client(birth_year=1999), a_dwelling(), LIMITS)


# --- rule 6: district and earmarks ----------------------------------------------------------


@given(client=clients(), dwelling=dwellings())
def test_a_dwelling_in_an_excluded_district_is_never_for_the_client(
    client: ClientFacts, dwelling: DwellingFacts
):
    assert district_allowed(client, dwelling, LIMITS) == (
        dwelling.wijk not in client.excluded_wijken)
    avoiding = replace(client, excluded_wijken=client.excluded_wijken | {dwelling.wijk})
    assert not district_allowed(avoiding, dwelling, LIMITS)


def test_excluding_one_district_does_not_exclude_a_district_with_a_similar_name():
    avoids_west = a_client(excluded_wijken=frozenset({"West"}))
    assert not district_allowed(avoids_west, a_dwelling(wijk="West"), LIMITS)
    assert district_allowed(avoids_west, a_dwelling(wijk="Zuidwest"), LIMITS)
    assert district_allowed(avoids_west, a_dwelling(wijk="Noordwest"), LIMITS)


@given(client=clients(), dwelling=dwellings())
def test_an_earmarked_dwelling_is_only_for_clients_of_the_named_providers(
    client: ClientFacts, dwelling: DwellingFacts
):
    earmarks = dwelling.earmarked_care_provider_ids
    assert earmark_allowed(client, dwelling, LIMITS) == (
        not earmarks or client.care_provider_id in earmarks)
    assert earmark_allowed(client, replace(dwelling, earmarked_care_provider_ids=frozenset()),
                           LIMITS)


# --- first_failing_rule ---------------------------------------------------------------------


def test_the_rules_are_counted_in_the_documented_order():
    assert RULE_NAMES == ("rejected_before", "designation", "household", "housing_benefit",
                          "affordability", "needs", "senior_label", "district", "earmark")


@given(client=clients(), dwelling=dwellings(), limits=limits())
def test_first_failing_rule_names_the_first_failing_rule_in_order_or_none(
    client: ClientFacts, dwelling: DwellingFacts, limits: Limits
):
    verdicts = [(name, rule(client, dwelling, limits)) for name, rule in RULES]
    found = first_failing_rule(client, dwelling, limits)
    if found is None:
        assert all(ok for _, ok in verdicts)
    else:
        names = [name for name, _ in verdicts]
        position = names.index(found)
        assert not verdicts[position][1]
        assert all(ok for _, ok in verdicts[:position])


def test_a_client_failing_several_rules_is_counted_under_the_first():
    client = a_client(adults=2, children=4, excluded_wijken=frozenset({"Overvecht"}),
                      needs=frozenset({"wheelchair"}))
    assert first_failing_rule(client, a_dwelling(), LIMITS) == "household"
    assert first_failing_rule(a_client(), a_dwelling(), LIMITS) is None
    assert first_failing_rule(a_client(), a_dwelling(earmarked_care_provider_ids=frozenset(
        {99})), LIMITS) == "earmark"


# --- ranking --------------------------------------------------------------------------------

policies = st.builds(
    RankingPolicy,
    version=st.just("test/1"),
    points_per_waiting_day=st.integers(0, 5),
    ambition_bonus=st.integers(0, 100),
    provider_fairness=st.integers(0, 120),
    group_priority=st.integers(0, 90),
    ambition_months=st.integers(1, 6),
)


@st.composite
def provider_standings(draw: st.DrawFn, provider_id: int) -> ProviderStanding:
    contingent = draw(st.integers(0, 40))
    return ProviderStanding(
        care_provider_id=provider_id, name=f"Zorg {provider_id}", contingent=contingent,
        housed=draw(st.integers(0, 60)),
        due_by_now=draw(st.floats(0, max(contingent, 0), allow_nan=False)),
    )


group_stats = st.lists(
    st.tuples(st.sampled_from((0.0, 30.0, 45.5, 90.0, 200.0)), st.integers(0, 6),
              st.sampled_from((0.0, 0.1, 0.25, 0.5))),
    min_size=len(GROUPS), max_size=len(GROUPS),
).map(lambda rows: [(code, f"groep {code}", f"group {code}", waiting, avg, share)
                    for code, (avg, waiting, share) in zip(GROUPS, rows, strict=True)])


def make_context(policy: RankingPolicy = POLICY, providers: tuple[ProviderStanding, ...] = (),
                 groups: list[GroupStanding] | None = None) -> RankingContext:
    groups = groups or []
    return RankingContext(
        today=TODAY, policy=policy,
        provider_points={p.care_provider_id: provider_points(policy, p) for p in providers},
        group_points={g.code: group_points(policy, g) for g in groups},
        providers={p.care_provider_id: p for p in providers},
        groups={g.code: g for g in groups},
    )


@st.composite
def contexts(draw: st.DrawFn) -> RankingContext:
    policy = draw(policies)
    providers = tuple(draw(provider_standings(p)) for p in PROVIDERS if draw(st.booleans()))
    groups = rank_groups(draw(group_stats)) if draw(st.booleans()) else []
    return make_context(policy, providers, groups)


def ranked(clients_: list[ClientFacts], context: RankingContext) -> list[ClientFacts]:
    return sorted(clients_, key=lambda c: sort_key(score(c, context), c))


def waited(client: ClientFacts, days: int, client_id: int) -> ClientFacts:
    return replace(client, id=client_id, waiting_since=TODAY - timedelta(days=days))


@given(context=contexts(), client=clients(), days=st.lists(st.integers(0, 900), min_size=2,
       max_size=2, unique=True), ids=st.lists(st.integers(1, 99), min_size=2, max_size=2,
       unique=True))
def test_all_else_equal_a_longer_wait_ranks_higher(
    context: RankingContext, client: ClientFacts, days: list[int], ids: list[int]
):
    longer, shorter = (waited(client, max(days), ids[0]), waited(client, min(days), ids[1]))
    assert ranked([shorter, longer], context) == [longer, shorter]
    if context.policy.points_per_waiting_day > 0:
        assert score(longer, context).total > score(shorter, context).total


@given(context=contexts(), client=clients(), past=st.integers(0, 400),
       within=st.integers(1, 400), ids=st.lists(st.integers(1, 99), min_size=2, max_size=2,
                                                unique=True))
def test_a_client_past_the_ambition_ranks_above_one_who_is_not(
    context: RankingContext, client: ClientFacts, past: int, within: int, ids: list[int]
):
    cutoff = context.ambition_cutoff
    within = min(within, (TODAY - cutoff).days)
    over = replace(client, id=ids[0], waiting_since=cutoff - timedelta(days=past))
    under = replace(client, id=ids[1], waiting_since=cutoff + timedelta(days=within))
    ambition = {s.client_id: next(f for f in s.factors if f.name == "ambition")
                for s in (score(over, context), score(under, context))}
    assert ambition[over.id].points == context.policy.ambition_bonus
    assert ambition[over.id].value is True
    assert ambition[under.id].points == 0
    assert ranked([under, over], context) == [over, under]


@given(context=contexts(), client=clients())
def test_the_ambition_bonus_starts_on_the_day_three_months_have_passed(
    context: RankingContext, client: ClientFacts
):
    on_cutoff = replace(client, waiting_since=context.ambition_cutoff)
    a_day_later = replace(client, waiting_since=context.ambition_cutoff + timedelta(days=1))
    policy = context.policy
    gap = score(on_cutoff, context).total - score(a_day_later, context).total
    assert gap == policy.points_per_waiting_day + policy.ambition_bonus


def test_the_ambition_is_three_months_by_default():
    assert make_context().ambition_cutoff == TODAY - relativedelta(months=3)


@given(policy=policies, p=provider_standings(11), q=provider_standings(12), client=clients(),
       ids=st.lists(st.integers(1, 99), min_size=2, max_size=2, unique=True))
def test_all_else_equal_a_client_of_a_provider_further_behind_its_contingent_ranks_higher(
    policy: RankingPolicy, p: ProviderStanding, q: ProviderStanding, client: ClientFacts,
    ids: list[int],
):
    assume(p.behind > q.behind)
    context = make_context(policy, (p, q))
    of_p = replace(client, id=ids[0], care_provider_id=11)
    of_q = replace(client, id=ids[1], care_provider_id=12)
    assert context.provider_points[11] >= context.provider_points[12]
    assert score(of_p, context).total >= score(of_q, context).total
    if context.provider_points[11] > context.provider_points[12]:
        assert ranked([of_q, of_p], context) == [of_p, of_q]


@given(policy=policies, standing=provider_standings(11))
def test_a_provider_behind_gets_points_and_one_ahead_loses_them_within_the_weight(
    policy: RankingPolicy, standing: ProviderStanding
):
    points = provider_points(policy, standing)
    assert -1.0 <= standing.behind <= 1.0
    assert -policy.provider_fairness <= points <= policy.provider_fairness
    if standing.behind > 0:
        assert points >= 0
    if standing.behind < 0:
        assert points <= 0
    if standing.contingent == 0:
        assert standing.behind == 0.0 and points == 0


def test_a_provider_behind_outranks_one_ahead_even_against_the_id_tie_break():
    behind = ProviderStanding(11, "Lister", 10, 0, 5.0)  # 50% behind
    ahead = ProviderStanding(12, "Tussen", 10, 7, 5.0)  # 20% ahead
    context = make_context(POLICY, (behind, ahead))
    assert context.provider_points == {11: 30, 12: -12}
    of_behind, of_ahead = a_client(id=2, care_provider_id=11), a_client(id=1,
                                                                        care_provider_id=12)
    assert ranked([of_ahead, of_behind], context) == [of_behind, of_ahead]
    texts = {f.name: (f.text_nl, f.text_en) for f in score(of_ahead, context).factors}
    assert texts["provider_fairness"] == ("Tussen ligt 20% voor op het contingent",
                                          "Tussen is 20% ahead of its contingent")
    texts = {f.name: (f.text_nl, f.text_en) for f in score(of_behind, context).factors}
    assert texts["provider_fairness"] == ("Lister loopt 50% achter op het contingent",
                                          "Lister is 50% behind its contingent")


@given(stats=group_stats, order=st.permutations(range(len(GROUPS))))
def test_rank_groups_applies_the_three_2019_criteria_in_order_whatever_the_input_order(
    stats: list[tuple[str, str, str, int, float, float]], order: list[int]
):
    standings = rank_groups(stats)
    assert [g.rank for g in standings] == list(range(1, len(stats) + 1))
    assert {g.of for g in standings} == {len(stats)}
    for first, second in zip(standings, standings[1:], strict=False):
        criteria = (-first.average_wait_days, -first.waiting, first.recent_share)
        assert criteria <= (-second.average_wait_days, -second.waiting, second.recent_share)
    assert rank_groups([stats[i] for i in order]) == standings


def test_longer_average_wait_beats_more_waiting_and_a_lower_recent_share():
    stats = [("b", "B", "B", 10, 50.0, 0.0), ("a", "A", "A", 1, 100.0, 0.9)]
    assert [g.code for g in rank_groups(stats)] == ["a", "b"]


def test_on_equal_average_wait_more_waiting_beats_a_lower_recent_share():
    stats = [("b", "B", "B", 5, 50.0, 0.0), ("a", "A", "A", 10, 50.0, 0.9)]
    assert [g.code for g in rank_groups(stats)] == ["a", "b"]


def test_on_equal_average_wait_and_waiting_a_lower_recent_share_comes_first():
    stats = [("a", "A", "A", 5, 50.0, 0.3), ("b", "B", "B", 5, 50.0, 0.1)]
    assert [g.code for g in rank_groups(stats)] == ["b", "a"]


@given(policy=policies, stats=group_stats, client=clients())
def test_group_points_follow_the_group_rank_and_order_otherwise_equal_clients(
    policy: RankingPolicy, stats: list[tuple[str, str, str, int, float, float]],
    client: ClientFacts,
):
    standings = rank_groups(stats)
    context = make_context(policy, (), standings)
    points = [context.group_points[g.code] for g in standings]
    assert points[0] == policy.group_priority and points[-1] == 0
    assert points == sorted(points, reverse=True)
    # One client per group, ids against the group order so the id tie-break cannot help.
    members = [replace(client, id=100 - g.rank, target_group=g.code) for g in standings]
    totals = [score(m, context).total for m in members]
    assert totals == sorted(totals, reverse=True)
    by_rank = ranked(members, context)
    for earlier, later in zip(by_rank, by_rank[1:], strict=False):
        if context.group_points[earlier.target_group] != context.group_points[later.target_group]:
            assert context.groups[earlier.target_group].rank < context.groups[
                later.target_group].rank


def test_a_single_group_gets_no_group_points():
    (only,) = rank_groups([("a", "A", "A", 3, 20.0, 0.0)])
    assert group_points(POLICY, only) == 0


@given(context=contexts(), pool=st.lists(clients(), min_size=1, max_size=12,
                                         unique_by=lambda c: c.id), seed=st.integers(0, 99))
def test_the_order_is_deterministic_and_ties_break_on_waiting_start_then_id(
    context: RankingContext, pool: list[ClientFacts], seed: int
):
    order = ranked(pool, context)
    shuffled = list(pool)
    random.Random(seed).shuffle(shuffled)
    assert ranked(shuffled, context) == order
    # A score depends on the client and the context only: a copy of the context, scored
    # again after the pool, gives every client the same score (no state kept between calls).
    again = copy.deepcopy(context)
    assert [score(c, again) for c in reversed(order)][::-1] == [score(c, context) for c in order]
    # ...and follows the context: a day later every client has waited one day more.
    later = replace(context, today=context.today + timedelta(days=1))
    for client in order:
        waited = {f.name: f for f in score(client, later).factors}["waiting_time"]
        assert waited.value == (later.today - client.waiting_since).days
        assert waited.points == waited.value * context.policy.points_per_waiting_day
    for first, second in zip(order, order[1:], strict=False):
        a, b = score(first, context).total, score(second, context).total
        assert a >= b
        if a == b:
            assert (first.waiting_since, first.id) < (second.waiting_since, second.id)


def test_equal_scores_go_to_the_earlier_waiting_start_then_to_the_lower_id():
    # 30 days for a client of a provider with no points equals 20 days plus 10 points.
    policy = RankingPolicy(version="test/1", ambition_bonus=0)
    on_track = ProviderStanding(11, "Lister", 6, 1, 1.0)
    behind = ProviderStanding(12, "Tussen", 6, 0, 1.0)  # a sixth behind: 10 points
    context = make_context(policy, (on_track, behind))
    assert context.provider_points == {11: 0, 12: 10}
    early = a_client(id=9, care_provider_id=11, waiting_since=TODAY - timedelta(days=30))
    late = a_client(id=1, care_provider_id=12, waiting_since=TODAY - timedelta(days=20))
    assert score(early, context).total == score(late, context).total == 30
    assert ranked([late, early], context) == [early, late]
    twin = replace(early, id=3)
    assert ranked([early, late, twin], context) == [twin, early, late]


@given(context=contexts(), client=clients())
def test_every_factor_is_explained_in_dutch_and_english_and_the_points_add_up(
    context: RankingContext, client: ClientFacts
):
    result = score(client, context)
    assert result.client_id == client.id
    assert result.total == sum(f.points for f in result.factors)
    names = [f.name for f in result.factors]
    assert names[:2] == ["waiting_time", "ambition"]
    assert ("provider_fairness" in names) == (client.care_provider_id in context.providers)
    assert ("group_priority" in names) == (client.target_group in context.groups)
    for factor in result.factors:
        assert factor.text_nl.strip() and factor.text_en.strip()
        assert factor.text_nl != factor.text_en
    explanation = result.explanation(context.policy)
    assert explanation["policy_version"] == context.policy.version
    assert explanation["score"] == result.total
    factors = explanation["factors"]
    assert isinstance(factors, list)
    assert [f["factor"] for f in factors] == names
    assert sum(f["points"] for f in factors) == result.total
    assert all(f["nl"] and f["en"] for f in factors)


def test_an_explanation_reads_in_both_languages():
    groups = rank_groups([("mobw_uitstroom", "Uitstroom MO/BW", "Outflow MO/BW", 4, 120.0, 0.25),
                          ("statushouder", "Statushouders", "Refugees", 2, 60.0, 0.5)])
    context = make_context(POLICY, (ProviderStanding(11, "Lister", 10, 2, 5.0),), groups)
    client = a_client(waiting_since=TODAY - timedelta(days=120))
    texts = {f.name: (f.points, f.text_nl, f.text_en) for f in score(client, context).factors}
    assert texts["waiting_time"] == (120, "Wacht 120 dagen (sinds 2019-06-17)",
                                     "Waiting 120 days (since 2019-06-17)")
    assert texts["ambition"] == (30, "Langer dan de ambitie van 3 maanden",
                                 "Past the 3-month ambition")
    assert texts["provider_fairness"] == (18, "Lister loopt 30% achter op het contingent",
                                          "Lister is 30% behind its contingent")
    assert texts["group_priority"][0] == 45
    assert texts["group_priority"][1].startswith("Doelgroep Uitstroom MO/BW staat 1e van 2")
    assert texts["group_priority"][2].startswith("Target group Outflow MO/BW ranks 1 of 2")
    assert score(client, context).total == 120 + 30 + 18 + 45
