"""Scenario 9 of the domain brief (s8): 2022-II with the acceleration [004].

Task 275 + backlog 207 = totaalopgave 482 (seeds/statushouder_tasks.csv). Nothing is housed
through the workflow in 2022 here, so the whole 482 stays a backlog; 482 >= 275 for the
second consecutive period gives rung 4, which the province decides.

The agency enters the half-year's steering inputs (services/statushouder_steering.py): the
133 extra as a voluntary target, the VRU's plan of 276 (46 a week for 6 weeks) and the
municipal campaign of 490 from 1 August (the letter says 4-6 weeks: 6 is entered), and a
count of persons administratively housed, which the report shows apart from the COA-counted
realisation. If realised reaches 482 by 31 December the backlog is 0 and the report
suggests de-escalation; the supervisor decides.

Not in the product: the campaign's override of the matching (statushouders first for six
weeks, with an exception path for emergencies); the plans are steering figures only."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from matching.models import StatushouderTask
from matching.reports.statushouders import statushouder_half
from matching.services.statushouder_steering import set_statushouder_inputs
from tests.world import World

VRU = {"name": "VRU versnelde uitstroom", "persons": 276, "weeks": 6, "starts_on": "2022-07-11"}
CAMPAIGN = {"name": "Gemeentelijke versnelling", "persons": 490, "weeks": 6,
            "starts_on": "2022-08-01"}


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def test_scenario_09_ibt_2022_2_totaalopgave_482_and_a_second_period_gives_rung_4(
    world: World,
):
    half = statushouder_half(world.session, half="2022H2", actor=world.analyst)
    assert (half.task, half.backlog_start) == (275, 207)
    assert half.total == 482
    assert half.realised == 0 and half.backlog_end == 482
    assert half.rung == 4
    assert "2nd consecutive period" in half.rung_note
    assert half.deescalation_suggested is False


def test_scenario_09_the_acceleration_the_extra_target_and_the_linked_persons(world: World):
    set_statushouder_inputs(world.session, half="2022H2", extra_target=133,
                            administratively_housed=15, accelerations=[VRU, CAMPAIGN],
                            source="[004] supervision letter 2022-2", actor=world.matcher)
    half = statushouder_half(world.session, half="2022H2", actor=world.analyst,
                             today=date(2022, 8, 15))
    # The 133 extra is a voluntary target on top of the 482, not part of the total.
    assert (half.total, half.extra_target, half.total_with_extra) == (482, 133, 615)
    # Linked but not yet counted by COA: apart from the realisation and the backlog.
    assert (half.realised, half.administratively_housed, half.backlog_end) == (0, 15, 482)
    vru, campaign = half.accelerations
    assert (vru["persons"], vru["weeks"], vru["per_week"]) == (276, 6, Decimal("46.0"))
    assert (campaign["starts_on"], campaign["ends_on"]) == (date(2022, 8, 1), date(2022, 9, 11))
    assert vru["active"] and campaign["active"]  # both run on 15 August
    # 482 persons in the 139 days from 15 August to 31 December: 24.3 a week.
    assert half.pace_needed_per_week == Decimal("24.3")


def test_scenario_09_realised_482_by_31_december_suggests_de_escalation(world: World):
    row = world.session.get(StatushouderTask, "2022H2")
    assert row is not None
    row.realised = 482  # the COA count of 31 December, as the province would report it
    world.session.add(row)
    world.session.commit()
    half = statushouder_half(world.session, half="2022H2", actor=world.analyst)
    assert half.backlog_end == 0 and half.rung == 1
    assert half.deescalation_suggested is True
    assert "the supervisor decides" in half.deescalation_note
