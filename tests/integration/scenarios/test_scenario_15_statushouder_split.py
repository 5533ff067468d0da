"""Scenario 15, statushouder part (domain brief section 8): the 2019-I half-year task pro
rata over the corporations.

The seeds give the remaining 2019-I task (108 persons, seeds/statushouder_tasks.csv) and the
2019 assumption of 300 statushouders in 150 dwellings, so `persons_per_dwelling` 2. The
corporation weights are a PARAM the seeds do not give: the assumed weights of
seeds/corporation_weights.csv (Mitros .46, Portaal .28, Bo-Ex .19, SSH .04, GroenWest .03)
give the per-corporation numbers asserted; the total of 54 does not depend on them.
"""

from sqlmodel import Session

from matching.reports.statushouder_split import statushouder_split
from matching.reports.statushouders import statushouder_half
from tests.factories import make_user


def test_scenario_15_statushouder_108_persons_need_54_dwellings_split_pro_rata(
        reference: Session):
    analyst = make_user(reference, "Gemeente Utrecht", "analyst")
    half = statushouder_half(reference, half="2019H1", actor=analyst)
    assert half.task == 108

    split = statushouder_split(reference, half)
    assert (split.persons, split.persons_per_dwelling, split.dwellings_needed) == (108, 2, 54)
    shares = {c.corporation: c.dwellings for c in split.per_corporation}
    assert sum(shares.values()) == 54
    # 54 x .46 / .28 / .19 / .04 / .03 by largest remainder.
    assert shares == {"Mitros": 25, "Portaal": 15, "Bo-Ex": 10, "SSH": 2, "GroenWest": 2}
