"""Scenario 9 of the domain brief (s8): 2022-II with the acceleration [004].

Task 275 + backlog 207 = totaalopgave 482 (seeds/statushouder_tasks.csv). Nothing is housed
through the workflow in 2022 here, so the whole 482 stays a backlog; 482 >= 275 for the
second consecutive period gives rung 4, which the province decides.

Not in the product (the gaps this scenario names): the 6-week campaign override with its
emergency exception, realisation "linked/administratively housed" apart from COA-counted,
a de-escalation suggestion, and the 133 extra as a voluntary target. The seeds give the
campaign's 490 and the VRU's 276 (46 a week for 6 weeks) only as text."""

import pytest
from sqlmodel import Session

from matching.reports.statushouders import statushouder_half
from tests.world import World


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
    assert 46 * 6 == 276  # the VRU plan: 46 a week for six weeks
