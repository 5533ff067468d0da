"""The arithmetic of the approach's start and of the statushouder split (matching/planning.py)."""

import pytest

from matching.planning import (
    approach_months,
    dwellings_for_persons,
    largest_remainder,
    pro_rated_task,
    quarter_quotas,
)

WEIGHTS_2019 = {"Mitros": 0.46, "Portaal": 0.28, "Bo-Ex": 0.19, "SSH": 0.04, "GroenWest": 0.03}


@pytest.mark.parametrize(("month", "months"), [
    (1, (3, 3, 3, 3)), (2, (2, 3, 3, 3)), (4, (0, 3, 3, 3)), (8, (0, 0, 2, 3)),
    (10, (0, 0, 0, 3)), (12, (0, 0, 0, 1)),
])
def test_a_quarter_counts_the_months_from_the_start(month: int, months: tuple[int, ...]):
    assert approach_months(month) == months


@pytest.mark.parametrize("month", [0, 13, -1])
def test_a_month_outside_the_year_is_refused(month: int):
    with pytest.raises(ValueError):
        approach_months(month)


def test_the_task_is_pro_rated_over_the_months_that_remain_rounded_half_up():
    assert pro_rated_task(385, 8) == 160  # 160.42
    assert pro_rated_task(385, 1) == 385
    assert pro_rated_task(385, 12) == 32  # 32.08
    assert pro_rated_task(6, 8) == 3  # 2.5 rounds up
    with pytest.raises(ValueError):
        pro_rated_task(-1, 8)


def test_the_pro_rated_quotas_leave_the_quarters_before_the_start_empty():
    quotas = quarter_quotas(160, WEIGHTS_2019, 20, approach_months(8))
    per_quarter = {q: sum(c.quota for c in quotas if c.quarter == q) for q in range(1, 5)}
    instroom = {q: sum(c.instroom_quota for c in quotas if c.quarter == q) for q in range(1, 5)}
    assert per_quarter == {1: 0, 2: 0, 3: 64, 4: 96}
    assert instroom == {1: 0, 2: 0, 3: 13, 4: 19}
    assert all(c.instroom_quota <= c.quota for c in quotas)
    for name, weight in WEIGHTS_2019.items():  # each corporation near its share of 160
        assert abs(sum(c.quota for c in quotas if c.corporation == name) - 160 * weight) < 1


def test_quarter_weights_must_name_four_quarters():
    with pytest.raises(ValueError):
        quarter_quotas(160, WEIGHTS_2019, 20, (2, 3))


def test_persons_become_dwellings_rounded_up():
    assert dwellings_for_persons(108, 2) == 54
    assert dwellings_for_persons(300, 2) == 150
    assert dwellings_for_persons(109, 2) == 55
    assert dwellings_for_persons(108, 2.5) == 44  # 43.2
    assert dwellings_for_persons(0, 2) == 0
    with pytest.raises(ValueError):
        dwellings_for_persons(108, 0)


def test_54_dwellings_split_by_the_corporation_weights_by_largest_remainder():
    assert largest_remainder(54, list(WEIGHTS_2019.values())) == [25, 15, 10, 2, 2]
