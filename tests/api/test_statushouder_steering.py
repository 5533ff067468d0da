"""The statushouder half-year's steering figures: the agency's inputs (extra target,
administratively housed, acceleration plans) through PUT /statushouders/{half}/
inputs, and the figures GET /reports/statushouders/{half} adds beside the ladder."""

from sqlmodel import select

from matching.models import StatushouderAcceleration
from tests.api.conftest import error_of

VRU = {"name": "VRU versnelde uitstroom", "persons": 276, "weeks": 6,
       "starts_on": "2022-07-11"}
CAMPAIGN = {"name": "Gemeentelijke campagne", "persons": 490, "weeks": 6,
            "starts_on": "2022-08-01"}
INPUTS = {"extra_target": 133, "administratively_housed": 40,
          "accelerations": [CAMPAIGN, VRU], "source": "[004] supervision letter 2022-2"}


def test_the_agency_enters_the_inputs_and_the_report_shows_them_apart(api):
    response = api.put("/api/v1/statushouders/2022H2/inputs", INPUTS, as_="matcher")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["accelerations"] == [CAMPAIGN["name"], VRU["name"]]
    body = api.get("/api/v1/reports/statushouders/2022H2", as_="analyst").get_json()
    # Administratively housed is shown apart: the COA-counted realisation stays 0.
    assert (body["realised"], body["administratively_housed"]) == (0, 40)
    assert (body["extra_target"], body["total_with_extra"]) == (133, 482 + 133)
    assert body["inputs_source"] == "[004] supervision letter 2022-2"
    plans = body["accelerations"]
    assert [p["name"] for p in plans] == [VRU["name"], CAMPAIGN["name"]]  # by start date
    assert (plans[0]["per_week"], plans[0]["ends_on"], plans[0]["active"]) == (
        46.0, "2022-08-21", False)
    assert (plans[1]["per_week"], plans[1]["ends_on"]) == (81.7, "2022-09-11")
    # The half-year has ended: no pace; the backlog is left, so no de-escalation.
    assert body["pace_needed_per_week"] is None
    assert body["deescalation_suggested"] is False and body["deescalation_note"] == ""
    assert (body["improvement_target"], body["backlog_caught_up"]) == (104, 0)


def test_a_new_entry_replaces_the_plans_and_null_clears_a_figure(api, reference):
    api.put("/api/v1/statushouders/2022H2/inputs", INPUTS, as_="admin")
    again = {"extra_target": None, "accelerations": [VRU], "source": "correction"}
    assert api.put("/api/v1/statushouders/2022H2/inputs", again,
                   as_="matcher").status_code == 200
    body = api.get("/api/v1/reports/statushouders/2022H2", as_="matcher").get_json()
    assert (body["extra_target"], body["total_with_extra"],
            body["administratively_housed"]) == (None, None, None)
    assert [p["name"] for p in body["accelerations"]] == [VRU["name"]]
    stored = reference.exec(select(StatushouderAcceleration)).all()
    assert [plan.name for plan in stored] == [VRU["name"]]


def test_bad_inputs_are_refused_with_the_field_and_nothing_is_written(api):
    bad = {**INPUTS, "accelerations": [{**VRU, "weeks": 0}, VRU]}
    response = api.put("/api/v1/statushouders/2022H2/inputs", bad, as_="matcher")
    assert response.status_code == 422
    assert "weeks" in str(error_of(response))
    body = api.get("/api/v1/reports/statushouders/2022H2", as_="matcher").get_json()
    assert body["accelerations"] == [] and body["extra_target"] is None


def test_twice_the_same_plan_name_is_refused(api):
    twice = {**INPUTS, "accelerations": [VRU, {**VRU, "starts_on": "2022-09-01"}]}
    response = api.put("/api/v1/statushouders/2022H2/inputs", twice, as_="matcher")
    assert response.status_code == 422
    assert "twice" in str(error_of(response))


def test_a_half_year_without_a_task_is_not_found_and_the_municipality_may_not_enter(api):
    missing = api.put("/api/v1/statushouders/2023H1/inputs", INPUTS, as_="matcher")
    assert missing.status_code == 404
    refused = api.put("/api/v1/statushouders/2022H2/inputs", INPUTS, as_="analyst")
    assert refused.status_code == 403


def test_no_backlog_left_suggests_de_escalation_and_the_supervisor_decides(api, reference):
    from matching.models import StatushouderTask

    row = reference.get(StatushouderTask, "2022H2")
    row.realised = 482  # as if realised >= 482 by 31 December
    reference.add(row)
    reference.commit()
    body = api.get("/api/v1/reports/statushouders/2022H2", as_="analyst").get_json()
    assert body["backlog_end"] == 0 and body["deescalation_suggested"] is True
    assert "supervisor decides" in body["deescalation_note"]
    assert body["backlog_caught_up"] == 482 - 275
