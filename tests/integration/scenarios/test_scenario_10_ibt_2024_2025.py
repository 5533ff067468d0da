"""Scenario 10 of the domain brief (s8): supervision 2024-2025 [002].

Rung 3 since 1 July 2024; backlog 318; the task of 2025-I 369, so totaalopgave 687
(seeds/statushouder_tasks.csv). The improvement plan's target of more than half the backlog
caught up (">= 159 extra in 2025", the brief's reading of 318) is `improvement_target`, and
what was realised beyond the task, which goes toward the backlog, is `backlog_caught_up`.

With nothing housed through the workflow in 2025-I here, the backlog on 1 July 2025 is 687,
at least the task of 369: the ladder condition holds. The half-year before (2024-II) has no
figures in the seeds, so the computed count of consecutive periods starts at this one
(rung 3), which agrees with "rung 3 since 1 July 2024"; the province decides."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from matching.reports.statushouders import statushouder_half
from tests.world import World


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def test_scenario_10_ibt_2025_1_backlog_318_task_369_totaalopgave_687(world: World):
    half = statushouder_half(world.session, half="2025H1", actor=world.analyst)
    assert (half.task, half.backlog_start) == (369, 318)
    assert half.total == 687
    assert half.backlog_end == 687 and half.backlog_end >= 369
    assert half.rung == 3
    # The improvement plan: more than half the backlog of 318 caught up, >= 159.
    assert half.improvement_target == 159
    assert half.backlog_caught_up == 0  # nothing beyond the task realised here
    assert half.deescalation_suggested is False


def test_scenario_10_the_pace_needed_on_the_first_day_of_2025(world: World):
    half = statushouder_half(world.session, half="2025H1", actor=world.analyst,
                             today=date(2025, 1, 1))
    # 687 persons in the 181 days of the half-year: 26.6 a week.
    assert half.pace_needed_per_week == Decimal("26.6")
    after = statushouder_half(world.session, half="2025H1", actor=world.analyst,
                              today=date(2025, 7, 1))
    assert after.pace_needed_per_week is None  # reassessed on 1 July: the half-year ended
