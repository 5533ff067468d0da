"""Reference lists, quarter quotas and contingents."""

import pytest

from tests.api.conftest import ROLES, error_of

TARGET_GROUPS = [
    "mobw_uitstroom", "mobw_instroom", "vrouwenopvang", "statushouder", "jongvolwassene",
    "citydeal", "wlz_forensisch", "corporatiehotel", "doorstroom_tijdelijk",
    "wonen_na_detentie", "urgent",
]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_reference_lists(api, role):
    for path in ("/api/v1/organisations", "/api/v1/reason-codes", "/api/v1/target-groups"):
        response = api.get(path, as_=role)
        assert response.status_code == 200, path
        assert set(response.get_json()) == {"items", "page", "per_page", "total"}


def test_organisations_have_id_name_and_kind(api):
    page = api.get("/api/v1/organisations?per_page=200", as_="analyst").get_json()
    by_name = {o["name"]: o for o in page["items"]}
    assert by_name["Mitros"]["kind"] == "corporation"
    assert by_name["Het Vierde Huis"]["kind"] == "agency"
    assert by_name["Lister"]["kind"] == "care_provider"
    assert by_name["Gemeente Utrecht"]["kind"] == "municipality"
    assert page["total"] == len(page["items"])
    corporations = api.get("/api/v1/organisations?kind=corporation", as_="analyst").get_json()
    assert {"Mitros", "Portaal", "Bo-Ex", "SSH", "GroenWest"} <= {
        o["name"] for o in corporations["items"]}


def test_the_organisation_list_is_paginated(api):
    first = api.get("/api/v1/organisations?per_page=5", as_="analyst").get_json()
    second = api.get("/api/v1/organisations?per_page=5&page=2", as_="analyst").get_json()
    assert len(first["items"]) == len(second["items"]) == 5
    assert {o["id"] for o in first["items"]}.isdisjoint({o["id"] for o in second["items"]})
    assert first["total"] > 10


def test_reason_codes_have_kind_labels_and_whether_a_motivation_is_needed(api):
    codes = api.get("/api/v1/reason-codes?per_page=200", as_="corporation").get_json()["items"]
    assert {c["kind"] for c in codes} == {"landlord", "candidate"}
    for code in codes:
        assert {"code", "kind", "label_nl", "label_en", "needs_motivation"} <= set(code)
    landlord = api.get("/api/v1/reason-codes?kind=landlord", as_="corporation").get_json()
    assert {c["kind"] for c in landlord["items"]} == {"landlord"}
    assert api.get("/api/v1/reason-codes?kind=tenant", as_="corporation").status_code == 422


def test_target_groups_are_the_fixed_codes(api):
    groups = api.get("/api/v1/target-groups", as_="care_provider").get_json()["items"]
    assert sorted(g["code"] for g in groups) == sorted(TARGET_GROUPS)
    assert all(g["label_nl"] and g["label_en"] for g in groups)


def test_the_agency_and_municipality_see_every_corporation_s_quota(api):
    for role in ("matcher", "analyst"):
        response = api.get("/api/v1/quarters/2019Q3/quotas", as_=role)
        assert response.status_code == 200
        quotas = response.get_json()
        assert quotas["quarter"] == "2019Q3"
        assert len(quotas["items"]) == quotas["total"] == 5
        for row in quotas["items"]:
            assert {"quota", "submitted", "instroom_quota", "instroom_submitted",
                    "backlog"} <= set(row)


def test_a_corporation_sees_only_its_own_quota_row(api, users, world):
    world.dwelling()
    quarter = api.get("/api/v1/dwellings", as_="corporation").get_json()["items"][0]["quarter"]
    response = api.get(f"/api/v1/quarters/{quarter}/quotas", as_="corporation")
    [row] = response.get_json()["items"]
    assert row["corporation_id"] == users["corporation"].organisation_id
    assert row["submitted"] == 1


@pytest.mark.parametrize("quarter", ["2019-3", "2019Q5", "Q3", "20190Q1"])
def test_a_badly_written_quarter_is_422(api, quarter):
    response = api.get(f"/api/v1/quarters/{quarter}/quotas", as_="analyst")
    assert response.status_code == 422
    assert "quarter" in error_of(response)["fields"]


@pytest.mark.parametrize("role", ("care_provider", "admin"))
def test_care_providers_and_administrators_do_not_read_quotas(api, role):
    assert api.get("/api/v1/quarters/2019Q3/quotas", as_=role).status_code == 403


def test_contingents_per_care_provider(api, users):
    everything = api.get("/api/v1/contingents/2019?per_page=200", as_="analyst").get_json()
    assert everything["year"] == 2019
    assert everything["total"] > 2
    for row in everything["items"]:
        assert {"contingent", "proposed", "housed", "remaining"} <= set(row)
    own = api.get("/api/v1/contingents/2019", as_="care_provider").get_json()
    [row] = own["items"]
    assert row["care_provider_id"] == users["care_provider"].organisation_id
    assert api.get("/api/v1/contingents/2019", as_="matcher").status_code == 200


@pytest.mark.parametrize("role", ("corporation", "admin"))
def test_corporations_do_not_read_contingents(api, role):
    assert api.get("/api/v1/contingents/2019", as_=role).status_code == 403


@pytest.mark.parametrize("year", ["abc", "19", "99999"])
def test_a_bad_year_is_422(api, year):
    response = api.get(f"/api/v1/contingents/{year}", as_="analyst")
    assert response.status_code == 422
    assert "year" in error_of(response)["fields"]
