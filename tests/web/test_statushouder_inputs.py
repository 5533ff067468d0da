"""The statushouder steering-inputs page: the agency enters a half-year's extra target,
administratively housed count and acceleration plans; errors at their fields, nothing
written when refused, the municipality refused."""

import re

from sqlmodel import select

from matching.models import StatushouderAcceleration, StatushouderSteering
from tests.web.conftest import csrf_token

PAGE = "/stuurcijfers/statushouders/2022H2"


def _post(client, **data):  # type: ignore[no-untyped-def]
    return client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), **data})


def _error(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert found, f"no error at {field}"
    return found.group(1)


FILLED = {"extra_target": "133", "administratively_housed": "15",
          "source": "brief provincie 2022-2",
          "plan1_name": "VRU versnelde uitstroom", "plan1_persons": "276", "plan1_weeks": "6",
          "plan1_starts_on": "2022-07-11",
          "plan2_name": "Gemeentelijke versnelling", "plan2_persons": "490", "plan2_weeks": "6",
          "plan2_starts_on": "2022-08-01"}


def test_the_agency_enters_the_inputs_and_sees_them_prefilled(signed_in, reference):
    client = signed_in("matcher")
    assert "Sturingsgegevens statushouders" in client.get(PAGE).get_data(as_text=True)
    response = _post(client, **FILLED)
    assert response.status_code == 303
    reference.expire_all()
    row = reference.get(StatushouderSteering, "2022H2")
    assert row is not None and (row.extra_target, row.administratively_housed) == (133, 15)
    plans = reference.exec(select(StatushouderAcceleration)).all()
    assert sorted(p.persons for p in plans) == [276, 490]
    page = client.get(PAGE).get_data(as_text=True)
    assert 'value="133"' in page and 'value="VRU versnelde uitstroom"' in page
    # The year report shows them beside the task, administratively housed apart.
    year = client.get("/rapportages/jaar?jaar=2022").get_data(as_text=True)
    assert "extra (vrijwillige) opgave: 133 personen, met de totaalopgave 615." in year
    assert "nog niet door het COA geteld: 15 personen (niet in de realisatie)" in year
    assert "versnelling VRU versnelde uitstroom: 276 personen in 6 weken vanaf" in year


def test_a_bad_plan_is_named_at_its_field_and_nothing_is_written(signed_in, reference):
    client = signed_in("matcher")
    response = _post(client, **{**FILLED, "plan2_weeks": "40"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert _error(page, "plan2_weeks") == "Vul een heel aantal weken van 1 tot en met 26 in."
    reference.expire_all()
    assert reference.get(StatushouderSteering, "2022H2") is None
    assert reference.exec(select(StatushouderAcceleration)).all() == []


def test_the_municipality_may_not_enter_and_an_unknown_half_year_is_a_404(signed_in):
    assert signed_in("analyst").get(PAGE).status_code == 403
    assert signed_in("matcher").get("/stuurcijfers/statushouders/2023H1").status_code == 404
    assert signed_in("matcher").get("/stuurcijfers/statushouders/2023X1").status_code == 404
