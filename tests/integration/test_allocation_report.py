"""The verdeelbesluit against realisation: the 2025 decision ([002] Tabel 4) and the lets
made through the services, counted per target group."""

from datetime import date

import pytest
from sqlmodel import Session

from matching.reports.allocation import (
    allocation_report,
    forecast_at_pace,
    months_left,
    per_month_needed,
)
from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.leases import let_dwelling, register_institution_lease
from tests.world import World, at

PLACES_2025 = {  # [002] Tabel 4: group code -> (places, requested from the corporations)
    "statushouder": (550, True), "mobw_uitstroom": (403, True), "jongvolwassene": (50, True),
    "urgent": (82, False), "vrouwenopvang": (50, False), "wonen_na_detentie": (8, True),
    "citydeal": (12, True), "doorstroom_tijdelijk": (80, True),
}


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def let_to(world: World, target_group: str, start: date) -> None:
    """Let a dwelling through the workflow to a new client of `target_group`."""
    world.now = at(start)
    dwelling, _client = world.offer_accepted(target_group=target_group)
    let_dwelling(world.session, dwelling_id=dwelling.id, lease_start=start,
                 lease_type="direct", actor=world.portaal, now=world.tick())


@pytest.fixture
def lets_2025(world: World) -> World:
    """Lets through the workflow: in 2025 three to statushouders, two to Beter Wonen clients
    and one to an urgent self-searcher; one in December 2024, one starting in November 2025;
    and an institution lease of 2025 (which houses no one new)."""
    for _ in range(3):
        let_to(world, "statushouder", date(2025, 3, 1))
    let_to(world, "mobw_uitstroom", date(2025, 4, 1))
    let_to(world, "mobw_uitstroom", date(2025, 6, 15))
    let_to(world, "urgent", date(2025, 5, 1))
    let_to(world, "statushouder", date(2024, 12, 15))
    let_to(world, "statushouder", date(2025, 11, 1))
    register_institution_lease(world.session, care_provider_id=world.lister.organisation_id,
                               address="Instellingslaan 1", start_on=date(2025, 2, 1),
                               actor=world.portaal, now=at(date(2025, 2, 1)))
    return world


def by_code(report: dict) -> dict:
    return {line["target_group"]: line for line in report["groups"]}


def test_the_2025_decision_has_1235_places_1103_requested_and_132_self_searchers(world):
    report = allocation_report(world.session, year=2025, actor=world.matcher,
                               as_of=date(2025, 1, 31))
    assert report["year"] == 2025
    assert report["total_places"] == 1235
    assert report["requested_from_corporations"] == 1103
    assert report["self_search"] == 132
    assert report["realised"] == 0
    assert report["as_of"] == "2025-01-31"
    assert {code: (line["places"], line["requested_from_corporations"])
            for code, line in by_code(report).items()} == PLACES_2025
    assert {code: line["requested"] for code, line in by_code(report).items()} == {
        code: places if asked else 0 for code, (places, asked) in PLACES_2025.items()}
    assert all(line["group"] for line in report["groups"])
    # 1,103 over the eleven months after January; the brief's "about 103 a month" is 1,235 / 12.
    assert report["months_left"] == 11
    assert report["per_month_needed"] == 100.3
    assert report["monthly_target"] == 102.9


def test_lets_through_the_workflow_count_per_target_group_up_to_as_of(lets_2025):
    world = lets_2025
    report = allocation_report(world.session, year=2025, actor=world.matcher,
                               as_of=date(2025, 6, 30))
    lines = by_code(report)
    assert lines["statushouder"]["realised"] == 3  # not December 2024's, not November's
    assert lines["mobw_uitstroom"]["realised"] == 2
    assert lines["urgent"]["realised"] == 1
    assert lines["jongvolwassene"]["realised"] == 0
    # Toward the 1,103 requested count only the requested lines' groups; the self-searcher
    # is in its own line; the institution lease counts nowhere.
    assert report["realised"] == 5
    assert report["realised_self_search"] == 1
    assert report["realised_all"] == 6
    # (1,103 - 5) over July to December.
    assert report["months_left"] == 6
    assert report["per_month_needed"] == 183.0
    assert report["pct_realised"] == 0.5


def test_the_pace_needed_grows_as_the_months_run_out(lets_2025):
    world = lets_2025
    october = allocation_report(world.session, year=2025, actor=world.matcher,
                                as_of=date(2025, 10, 31))
    assert (october["realised"], october["months_left"]) == (5, 2)
    assert october["per_month_needed"] == 549.0  # (1,103 - 5) / 2
    december = allocation_report(world.session, year=2025, actor=world.matcher,
                                 as_of=date(2025, 12, 15))
    assert (december["realised"], december["months_left"]) == (6, 1)
    assert december["per_month_needed"] == 1097.0


def test_an_ended_year_is_reported_as_of_its_last_day(lets_2025):
    world = lets_2025
    report = allocation_report(world.session, year=2025, actor=world.matcher,
                               as_of=date(2026, 3, 1))
    assert report["as_of"] == "2025-12-31"
    assert report["realised"] == 6
    assert report["per_month_needed"] == 1097.0
    # Without as_of the report takes Utrecht's today, which lies after 2025.
    today = allocation_report(world.session, year=2025, actor=world.matcher)
    assert today["as_of"] == "2025-12-31"


def test_the_2024_decision_without_a_split_counts_every_let_toward_its_total(lets_2025):
    world = lets_2025
    report = allocation_report(world.session, year=2024, actor=world.analyst)
    assert (report["total_places"], report["requested_from_corporations"],
            report["self_search"]) == (1182, 1182, 0)
    assert [(line["group"], line["target_group"], line["places"]) for line in
            report["groups"]] == [("Totaal", None, 1182)]
    # One let in 2024: for the municipality a count below five is suppressed.
    assert report["realised"] is None and report["groups"][0]["realised"] is None
    assert report["suppressed_below"] == 5
    matcher = allocation_report(world.session, year=2024, actor=world.matcher)
    assert matcher["realised"] == 1 and matcher["groups"][0]["realised"] == 1
    assert matcher["per_month_needed"] == 1181.0


def test_the_municipality_sees_counts_of_five_and_more(lets_2025):
    world = lets_2025
    report = allocation_report(world.session, year=2025, actor=world.analyst,
                               as_of=date(2025, 6, 30))
    assert by_code(report)["statushouder"]["realised"] is None  # three clients
    assert by_code(report)["jongvolwassene"]["realised"] == 0
    # The totals that include the hidden group are hidden too: the five realised less the
    # groups shown would give the three away.
    assert report["realised"] is None and report["realised_all"] is None
    assert report["pct_realised"] is None and report["forecast_at_pace"] is None
    assert report["per_month_needed"] is None
    matcher = allocation_report(world.session, year=2025, actor=world.matcher,
                                as_of=date(2025, 6, 30))
    assert matcher["realised"] == 5 and by_code(matcher)["statushouder"]["realised"] == 3


def test_the_2024_figures_at_the_end_of_october():
    # [002]: 56% of 1,182 realised by the end of October 2024 (about 662).
    assert months_left(date(2024, 10, 31), 2024) == 2
    assert per_month_needed(1182, 662, date(2024, 10, 31), 2024) == 260.0
    # At that pace the year ends at 794 (67%), below the 70-80% expected with the catch-up.
    assert forecast_at_pace(662, date(2024, 10, 31), 2024) == 794
    assert per_month_needed(1182, 1200, date(2024, 10, 31), 2024) == 0.0
    assert months_left(date(2025, 12, 2), 2026) == 12


def test_a_year_without_a_verdeelbesluit_is_not_found(world):
    with pytest.raises(NotFound):
        allocation_report(world.session, year=2023, actor=world.matcher)
    with pytest.raises(ValidationFailed):
        allocation_report(world.session, year=1999, actor=world.matcher)


@pytest.mark.parametrize("role", ("corporation", "care_provider"))
def test_other_roles_are_refused_before_anything_is_read(world, role):
    for year in (2025, 2023):
        with pytest.raises(PermissionDenied):
            allocation_report(world.session, year=year, actor=world.as_role(role))
