"""POST/GET /dwellings, GET /dwellings/{id}, submit, withdraw, release."""

import pytest

from tests.api.conftest import dwelling_body, error_of

FORBIDDEN_TO_CREATE = ("matcher", "care_provider", "analyst", "admin")


def test_a_corporation_creates_a_draft_dwelling_of_its_own(api, users):
    response = api.post("/api/v1/dwellings", dwelling_body(rent="612.50", complex_code="K7"),
                        as_="corporation")
    assert response.status_code == 201
    dwelling = response.get_json()
    assert dwelling["state"] == "draft"
    assert dwelling["allowed_triggers"] == ["submit", "withdraw"]
    assert dwelling["corporation_id"] == users["corporation"].organisation_id
    assert dwelling["rent"] == 612.5
    assert (dwelling["complex_code"], dwelling["wijk"], dwelling["available_from"]) == (
        "K7", "Overvecht", "2019-09-01")
    assert dwelling["submitted_at"] is None and dwelling["quarter"] is None
    for field in ("id", "address", "postcode", "rooms", "floor_area_m2", "floor", "has_lift",
                  "accessible", "designation", "lease_type"):
        assert field in dwelling


@pytest.mark.parametrize("role", FORBIDDEN_TO_CREATE)
def test_other_roles_may_not_create_dwellings(api, role):
    response = api.post("/api/v1/dwellings", dwelling_body(), as_=role)
    assert response.status_code == 403


def test_every_wrong_field_is_named(api):
    response = api.post("/api/v1/dwellings",
                        dwelling_body(rooms=0, postcode="nope", lease_type="castle"),
                        as_="corporation")
    assert response.status_code == 422
    error = error_of(response)
    assert {"rooms", "postcode", "lease_type"} <= set(error["fields"])


def test_an_unknown_field_is_refused(api):
    response = api.post("/api/v1/dwellings", {**dwelling_body(), "garden": True},
                        as_="corporation")
    assert response.status_code == 422
    assert "garden" in error_of(response)["fields"]


def test_an_unknown_district_is_named_by_the_service(api):
    response = api.post("/api/v1/dwellings", dwelling_body(wijk="Atlantis"), as_="corporation")
    assert response.status_code == 422
    assert "wijk" in error_of(response)["fields"]


def test_malformed_json_and_other_content_types_are_400(api):
    headers = {"Content-Type": "application/json"}
    response = api.post("/api/v1/dwellings", as_="corporation", data="{not json",
                        headers=headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_json"
    response = api.post("/api/v1/dwellings", as_="corporation", data="rooms=2",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert api.post("/api/v1/dwellings", [1, 2], as_="corporation").status_code == 400
    assert api.post("/api/v1/dwellings", as_="corporation").status_code == 400


def test_nul_characters_are_refused_not_stored(api):
    response = api.post("/api/v1/dwellings", dwelling_body(address="Straat\x00 1"),
                        as_="corporation")
    assert response.status_code == 422
    assert "address" in error_of(response)["fields"]


def test_a_corporation_lists_only_its_own_dwellings_and_the_agency_all(api, world):
    own = world.dwelling()
    other = world.dwelling(owner="other_corporation")
    listed = api.get("/api/v1/dwellings", as_="corporation").get_json()
    assert set(listed) == {"items", "page", "per_page", "total"}
    assert [d["id"] for d in listed["items"]] == [own.id]
    assert (listed["page"], listed["per_page"], listed["total"]) == (1, 50, 1)
    everything = api.get("/api/v1/dwellings", as_="matcher").get_json()
    assert {d["id"] for d in everything["items"]} == {own.id, other.id}


def test_dwellings_filter_by_state_quarter_and_corporation(api, world, users):
    submitted = world.dwelling()
    draft = world.dwelling(submit=False)
    by_state = api.get("/api/v1/dwellings?state=draft", as_="corporation").get_json()
    assert [d["id"] for d in by_state["items"]] == [draft.id]
    quarter = submitted.quarter
    by_quarter = api.get(f"/api/v1/dwellings?quarter={quarter}", as_="matcher").get_json()
    assert [d["id"] for d in by_quarter["items"]] == [submitted.id]
    corporation = users["other_corporation"].organisation_id
    by_owner = api.get(f"/api/v1/dwellings?corporation_id={corporation}", as_="matcher")
    assert by_owner.get_json()["total"] == 0


def test_dwellings_are_paginated(api, world):
    made = [world.dwelling(submit=False) for _ in range(3)]
    page = api.get("/api/v1/dwellings?page=2&per_page=2", as_="corporation").get_json()
    assert (page["page"], page["per_page"], page["total"]) == (2, 2, 3)
    assert [d["id"] for d in page["items"]] == [made[0].id]


@pytest.mark.parametrize("query,field", [
    ("page=abc", "page"), ("page=0", "page"), ("per_page=1000", "per_page"),
    ("state=nonsense", "state"), ("quarter=2019-3", "quarter"),
    ("corporation_id=99999999999999", "corporation_id"),
])
def test_bad_list_parameters_are_422_naming_the_parameter(api, query, field):
    response = api.get(f"/api/v1/dwellings?{query}", as_="matcher")
    assert response.status_code == 422
    assert field in error_of(response)["fields"]


@pytest.mark.parametrize("role", ("care_provider", "analyst", "admin"))
def test_roles_that_see_no_dwellings_get_403(api, world, role):
    dwelling = world.dwelling()
    assert api.get("/api/v1/dwellings", as_=role).status_code == 403
    assert api.get(f"/api/v1/dwellings/{dwelling.id}", as_=role).status_code == 403


def test_another_corporation_s_dwelling_is_not_found(api, world):
    other = world.dwelling(owner="other_corporation")
    response = api.get(f"/api/v1/dwellings/{other.id}", as_="corporation")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    for action, body in (("submit", None), ("withdraw", {"reason": "x"})):
        assert api.post(f"/api/v1/dwellings/{other.id}/{action}", body,
                        as_="corporation").status_code == 404


def test_a_dwelling_shows_its_rounds_decisions_and_history(api, world, reference):
    dwelling = world.dwelling()
    first, second = world.client(), world.client()
    world.round(dwelling, [first, second])
    response = api.get(f"/api/v1/dwellings/{dwelling.id}", as_="corporation")
    assert response.status_code == 200
    detail = response.get_json()
    assert detail["state"] == "proposed"
    [round_] = detail["rounds"]
    assert (round_["round_no"], round_["state"]) == (1, "open")
    assert [c["client_id"] for c in round_["candidates"]] == [first.id, second.id]
    assert round_["candidates"][0]["state"] == "pending"
    assert round_["candidates"][0]["client"]["adults"] == 1
    assert [e["trigger"] for e in detail["history"]] == ["create", "submit", "propose"]
    assert detail["history"][0]["at"].endswith(("+01:00", "+02:00"))


def test_reading_candidates_is_written_to_the_access_log(api, world, reference):
    from sqlmodel import select

    from matching.models import AccessLog

    dwelling = world.dwelling()
    client = world.client()
    world.round(dwelling, [client])
    api.get(f"/api/v1/dwellings/{dwelling.id}", as_="corporation")
    logged = reference.exec(select(AccessLog).where(AccessLog.client_id == client.id)).all()
    assert any("dwelling" in row.purpose for row in logged)


def test_submitting_answers_the_dwelling_after_the_change(api, world):
    draft = world.dwelling(submit=False)
    response = api.post(f"/api/v1/dwellings/{draft.id}/submit", as_="corporation")
    assert response.status_code == 200
    dwelling = response.get_json()
    assert dwelling["state"] == "submitted"
    assert dwelling["allowed_triggers"] == ["propose", "withdraw"]
    assert dwelling["quarter"] and dwelling["submitted_at"]


def test_submitting_twice_is_409_naming_the_state_and_allowed_triggers(api, world):
    dwelling = world.dwelling()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/submit", {}, as_="corporation")
    assert response.status_code == 409
    error = error_of(response)
    assert error["state"] == "submitted"
    assert error["allowed_triggers"] == ["propose", "withdraw"]
    assert "submitted" in error["message"] and "propose" in error["message"]


@pytest.mark.parametrize("role", ("matcher", "care_provider", "analyst"))
def test_only_the_owner_submits(api, world, role):
    draft = world.dwelling(submit=False)
    assert api.post(f"/api/v1/dwellings/{draft.id}/submit", as_=role).status_code == 403


def test_submit_refuses_unknown_body_fields(api, world):
    draft = world.dwelling(submit=False)
    response = api.post(f"/api/v1/dwellings/{draft.id}/submit", {"force": True},
                        as_="corporation")
    assert response.status_code == 422
    assert "force" in error_of(response)["fields"]


def test_withdrawing_needs_a_reason_and_ends_in_withdrawn(api, world):
    dwelling = world.dwelling()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/withdraw", {"reason": "  "},
                        as_="corporation")
    assert response.status_code == 422
    assert "reason" in error_of(response)["fields"]
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/withdraw",
                        {"reason": "Verkocht"}, as_="corporation")
    assert response.status_code == 200
    assert (response.get_json()["state"], response.get_json()["allowed_triggers"]) == (
        "withdrawn", [])


def test_a_let_dwelling_cannot_be_withdrawn(api, world):
    lease = world.lease(lease_type="direct")
    response = api.post(f"/api/v1/dwellings/{lease.dwelling_id}/withdraw", {"reason": "x"},
                        as_="corporation")
    assert response.status_code == 409
    assert error_of(response)["state"] == "let"


def test_release_before_the_vacancy_deadline_is_409(api, world):
    dwelling = world.dwelling()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/release", as_="corporation")
    assert response.status_code == 409
    assert error_of(response)["state"] == "submitted"
