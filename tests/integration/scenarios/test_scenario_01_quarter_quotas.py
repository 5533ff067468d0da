"""Scenario 01 (domain brief section 8): quarterly quota for the 2019 MO/BW task.

The seeds give the task (385 = 275 regular + 110 catch-up), the instroom share (20%) and the
start of the approach (1 August 2019, `approach_start_month` 8). The corporations' size
shares are a PARAM the seeds do not give: seeds/corporation_weights.csv holds assumed weights
(Mitros .46, Portaal .28, Bo-Ex .19, SSH .04, GroenWest .03); the totals asserted here do not
depend on them. The split over the quarters is largest remainder (an inference of the brief).

Counting only Q3 (from the August start) and Q4 is a policy question: the system shows the
pro-rated task (385 x 5/12 = 160, Q3 64 and Q4 96) beside the full year, flagged until an
administrator confirms it; after the confirmation the quotas follow it.
"""

from collections import defaultdict

from sqlmodel import Session

from matching.parameters import year_parameters
from matching.services.approach import approach_plan, confirm_approach_start
from matching.services.planning import year_quotas
from tests.factories import make_user


def _per_quarter(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    quota: dict[str, int] = defaultdict(int)
    instroom: dict[str, int] = defaultdict(int)
    for row in year_quotas(session, 2019):
        quota[row.quarter] += row.quota
        instroom[row.quarter] += row.instroom_quota
    return dict(quota), dict(instroom)


def test_scenario_01_quarter_quotas_97_96_96_96_and_the_pro_rated_start_flagged(
        reference: Session):
    params = year_parameters(reference, 2019)
    assert (params.mobw_task, params.mobw_regular, params.mobw_catch_up) == (385, 275, 110)

    # The full year: 96.25 a quarter becomes 97/96/96/96, 385 in all; 77 instroom, 308 uitstroom.
    quota, instroom = _per_quarter(reference)
    assert quota == {"2019Q1": 97, "2019Q2": 96, "2019Q3": 96, "2019Q4": 96}
    assert sum(quota.values()) == 385
    assert sum(instroom.values()) == 77
    assert sum(quota.values()) - sum(instroom.values()) == 308

    # The 1 August 2019 start: a pro-rated target over Q3 and Q4, flagged as a policy choice.
    plan = approach_plan(reference, 2019)
    assert plan.starts_within_year and not plan.confirmed
    assert plan.first_quarter == "2019Q3"
    assert (plan.full_task, plan.pro_rated_task) == (385, 160)
    assert plan.pro_rated_quarters == (0, 0, 64, 96)

    admin = make_user(reference, "Het Vierde Huis", "admin")
    confirm_approach_start(reference, year=2019, actor=admin)
    quota, instroom = _per_quarter(reference)
    assert quota == {"2019Q1": 0, "2019Q2": 0, "2019Q3": 64, "2019Q4": 96}
    assert sum(instroom.values()) == 32  # 20% of 160
    assert approach_plan(reference, 2019).confirmed
