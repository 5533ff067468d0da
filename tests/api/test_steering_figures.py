"""GET /reports/balance/{year} and /reports/statushouders/{half}: the contract's fields,
who may read them, and the error envelope for unknown and malformed periods."""

import pytest

from matching.services.steering import set_statushouder_rung, set_total_lettings
from tests.api.conftest import error_of

BALANCE_FIELDS = {"year", "priority_lettings", "total_lettings", "pct", "guideline_pct", "source"}
# Added, additively: the deviation flag.
FLAG_FIELDS = {"tolerance_pct", "deviation_pct", "deviates"}
HALF_FIELDS = {"half", "task", "backlog_start", "total", "realised", "pct_of_task",
               "pct_of_total", "backlog_end", "rung", "rung_note"}
# Added, additively: the task in dwellings, split over the corporations.
SPLIT_FIELDS = {"persons_per_dwelling", "dwellings_needed", "per_corporation"}
# Added, additively: steering figures beside the ladder and the agency's inputs.
STEERING_FIELDS = {"deescalation_suggested", "deescalation_note", "improvement_target",
                   "backlog_caught_up", "pace_needed_per_week", "extra_target",
                   "total_with_extra", "administratively_housed", "inputs_source",
                   "accelerations"}


@pytest.mark.parametrize("role", ["matcher", "analyst"])
def test_the_agency_and_the_municipality_read_the_2016_balance(api, role):
    response = api.get("/api/v1/reports/balance/2016", as_=role)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == BALANCE_FIELDS | FLAG_FIELDS
    assert {k: body[k] for k in BALANCE_FIELDS - {"source"}} == {
        "year": 2016, "priority_lettings": 785, "total_lettings": 2264, "pct": 34.7,
        "guideline_pct": 30.0}
    # 34.7% lies 4.7 points above 30%, more than the default tolerance of 2 points.
    assert {k: body[k] for k in FLAG_FIELDS} == {
        "tolerance_pct": 2.0, "deviation_pct": 4.7, "deviates": True}
    assert "[001]" in body["source"] and "2,246" in body["source"]


def test_a_system_year_uses_the_quarters_the_agency_entered(api, reference, users):
    for number in range(1, 5):
        set_total_lettings(reference, quarter=f"2020Q{number}", total=600,
                           source="WoningNet", actor=users["matcher"])
    body = api.get("/api/v1/reports/balance/2020", as_="analyst").get_json()
    assert (body["priority_lettings"], body["total_lettings"], body["pct"]) == (0, 2400, 0.0)
    assert "assumption" not in body["source"]


def test_2022h1_answers_the_provinces_figures(api):
    response = api.get("/api/v1/reports/statushouders/2022H1", as_="analyst")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == HALF_FIELDS | SPLIT_FIELDS | STEERING_FIELDS
    assert {k: body[k] for k in HALF_FIELDS - {"rung_note"}} == {
        "half": "2022H1", "task": 204, "backlog_start": 171, "total": 375, "realised": 168,
        "pct_of_task": 82.4, "pct_of_total": 44.8, "backlog_end": 207, "rung": 3}
    assert body["rung_note"].startswith("computed")


def test_the_rung_the_administrator_recorded_is_shown_with_its_note(api, reference, users):
    set_statushouder_rung(reference, half="2022H2", rung=3, note="provincie: trede 3",
                          actor=users["admin"])
    body = api.get("/api/v1/reports/statushouders/2022H2", as_="matcher").get_json()
    assert (body["total"], body["rung"], body["rung_note"]) == (482, 3, "provincie: trede 3")


@pytest.mark.parametrize("role", ["corporation", "care_provider"])
@pytest.mark.parametrize("path", ["/reports/balance/2016", "/reports/statushouders/2022H1"])
def test_corporations_and_care_providers_are_refused(api, role, path):
    response = api.get(f"/api/v1{path}", as_=role)
    assert response.status_code == 403
    assert error_of(response)["code"]


@pytest.mark.parametrize(("path", "status"), [
    ("/reports/balance/2010", 404), ("/reports/balance/2099", 404),
    ("/reports/balance/20x6", 422), ("/reports/balance/1999", 422),
    ("/reports/statushouders/2030H1", 404), ("/reports/statushouders/2022H3", 422),
    ("/reports/statushouders/2022-1", 422), ("/reports/statushouders/H1", 422),
])
def test_unknown_periods_are_404_and_malformed_ones_422(api, path, status):
    response = api.get(f"/api/v1{path}", as_="matcher")
    assert response.status_code == status
    error_of(response)
