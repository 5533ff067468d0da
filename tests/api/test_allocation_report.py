"""GET /reports/allocation/{year}: the verdeelbesluit against realisation (API 1.1)."""

from datetime import date

import pytest

from matching.services.leases import let_dwelling
from tests.api.conftest import error_of

FIELDS = {"year", "total_places", "requested_from_corporations", "self_search", "realised",
          "per_month_needed", "as_of", "groups"}
GROUP_FIELDS = {"target_group", "places", "requested", "realised"}


@pytest.mark.parametrize("role", ("matcher", "analyst"))
def test_the_agency_and_the_municipality_get_the_2025_decision(api, role):
    response = api.get("/api/v1/reports/allocation/2025", as_=role)
    assert response.status_code == 200
    report = response.get_json()
    assert set(report) >= FIELDS
    assert all(set(line) >= GROUP_FIELDS | {"group"} for line in report["groups"])
    assert (report["year"], report["total_places"], report["requested_from_corporations"],
            report["self_search"]) == (2025, 1235, 1103, 132)
    # 2025 has ended (the tests run later): the figures describe its last day.
    assert report["as_of"] == "2025-12-31"
    assert report["realised"] == 0 and report["per_month_needed"] == 1103.0
    assert sum(line["places"] for line in report["groups"]) == 1235
    assert sum(line["requested"] for line in report["groups"]) == 1103
    urgent = next(line for line in report["groups"] if line["target_group"] == "urgent")
    assert (urgent["places"], urgent["requested"], urgent["realised"]) == (82, 0, 0)


def test_a_let_through_the_api_world_counts_toward_its_group(api, world, users):
    dwelling, _client = world.offer_accepted()  # a Beter Wonen (mobw_uitstroom) client
    let_dwelling(world.session, dwelling_id=dwelling.id, lease_start=date(2025, 5, 1),
                 lease_type="direct", actor=users["corporation"])
    report = api.get("/api/v1/reports/allocation/2025", as_="matcher").get_json()
    assert report["realised"] == 1
    assert report["per_month_needed"] == 1102.0
    line = next(line for line in report["groups"] if line["target_group"] == "mobw_uitstroom")
    assert (line["places"], line["requested"], line["realised"]) == (403, 403, 1)


def test_a_line_without_a_target_group_code_answers_null_and_names_its_group(api):
    report = api.get("/api/v1/reports/allocation/2024", as_="matcher").get_json()
    assert [(line["target_group"], line["group"], line["places"]) for line in
            report["groups"]] == [(None, "Totaal", 1182)]


@pytest.mark.parametrize("role", ("corporation", "care_provider"))
def test_corporations_and_care_providers_are_refused(api, role):
    response = api.get("/api/v1/reports/allocation/2025", as_=role)
    assert response.status_code == 403
    assert error_of(response)


def test_a_year_without_a_verdeelbesluit_is_not_found(api):
    response = api.get("/api/v1/reports/allocation/2023", as_="matcher")
    assert response.status_code == 404
    assert "2023" in error_of(response)["message"]


@pytest.mark.parametrize("year", ("twenty", "1999", "2101", "2025.5"))
def test_a_malformed_year_is_refused(api, year):
    response = api.get(f"/api/v1/reports/allocation/{year}", as_="matcher")
    assert response.status_code == 422
    assert error_of(response)


def test_the_document_describes_the_answer(api):
    document = api.get("/api/v1/openapi.json", as_=None).get_json()
    operation = document["paths"]["/api/v1/reports/allocation/{year}"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    assert set(document["components"]["schemas"][name]["required"]) >= FIELDS


def test_the_2025_forecast_band_is_70_to_80_percent_with_a_shortfall_of_247_to_371(api):
    band = api.get("/api/v1/reports/allocation/2025", as_="analyst").get_json()["forecast_band"]
    assert {k: v for k, v in band.items() if k != "source"} == {
        "low_pct": 70.0, "high_pct": 80.0, "low_places": 864, "high_places": 988,
        "shortfall_min": 247, "shortfall_max": 371}
    assert "assumption" in band["source"] and "[002]" in band["source"]


def test_a_year_parameter_moves_the_band(api, reference, users):
    from matching.services.administration import set_year_parameter

    set_year_parameter(reference, year=2024, name="allocation_forecast_low_pct", value="60",
                       source="test", actor=users["admin"])
    band = api.get("/api/v1/reports/allocation/2024", as_="matcher").get_json()["forecast_band"]
    # 1,182 places: 60% = 709.2 -> 709, 80% = 945.6 -> 946 (scenario 12's upper bound).
    assert (band["low_places"], band["high_places"]) == (709, 946)
    assert (band["shortfall_min"], band["shortfall_max"]) == (1182 - 946, 1182 - 709)
    assert "set for 2024" in band["source"]
