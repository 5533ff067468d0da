"""Scenario 11 of the domain brief (s8): tracking the verdeelbesluit 2025 [002] Tabel 4.

1,235 places; 132 self-searchers (82 urgents with a decision + 50 shelter outflow) tracked
but not requested from the corporations, so 1,103 requested; a monthly pace of about 103.
If realisation mirrors 2024 (56% by the end of October) the year ends at 70-80%: the report's
`forecast_band` (the year parameters allocation_forecast_low_pct/high_pct, 70 and 80 unless
set) gives 864-988 places and a shortfall of 247-371 of 1,235; beside it the forecast at the
pace so far (`forecast_at_pace`)."""

from datetime import date

import pytest
from sqlmodel import Session

from matching.reports.allocation import allocation_report
from tests.world import World


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def test_scenario_11_verdeelbesluit_2025_1235_places_132_self_search_1103_about_103_a_month(
    world: World,
):
    report = allocation_report(world.session, year=2025, actor=world.analyst,
                               as_of=date(2025, 1, 1))
    assert report["total_places"] == 1235
    assert report["self_search"] == 132
    assert report["requested_from_corporations"] == 1103
    assert round(report["monthly_target"]) == 103
    self_search = {g["target_group"]: g["places"] for g in report["groups"]
                   if not g["requested_from_corporations"]}
    assert self_search == {"urgent": 82, "vrouwenopvang": 50}
    places = {g["target_group"]: g["places"] for g in report["groups"]}
    assert places["statushouder"] == 550 and places["mobw_uitstroom"] == 403
    # The shortfall if 70-80% is realised, as the brief works it out.
    band = report["forecast_band"]
    assert (band["low_pct"], band["high_pct"]) == (70.0, 80.0)
    assert (band["low_places"], band["high_places"]) == (864, 988)
    assert (band["shortfall_min"], band["shortfall_max"]) == (247, 371)
