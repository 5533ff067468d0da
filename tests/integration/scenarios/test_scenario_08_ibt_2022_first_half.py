"""Scenario 8 of the domain brief (s8): the province's supervision of 2022-I [004].

Backlog on 1 January 171; task 203 + 1 redistributed = 204; realised 168 (seeds/
statushouder_tasks.csv). Expected: totaalopgave 375, 82% of the task, 45% of the total,
backlog on 1 July 207, and 207 >= 203 puts Utrecht on rung 3 (from 2)."""

from decimal import Decimal

import pytest
from sqlmodel import Session

from matching.reports.statushouders import statushouder_half
from tests.world import World


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def test_scenario_08_ibt_2022_1_gives_375_82_45_backlog_207_and_rung_3(world: World):
    half = statushouder_half(world.session, half="2022H1", actor=world.analyst)
    assert (half.task, half.backlog_start, half.realised) == (204, 171, 168)
    assert half.total == 375
    assert half.pct_of_task == Decimal("82.4")  # 82% in the letter
    assert half.pct_of_total == Decimal("44.8")  # 45% in the letter
    assert half.backlog_end == 207
    assert half.rung == 3
    assert "207 >= task 204" in half.rung_note
