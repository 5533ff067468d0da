"""POST/GET /clients, GET /clients/{id} (reads logged), approve, hold, resume, withdraw."""

import pytest
from sqlmodel import Session, col, select

from matching.models import AccessLog
from tests.api.conftest import client_body, error_of


def logged_reads(session: Session, client_id: int) -> list[AccessLog]:
    """The rows that log the client as shown (its creation and changes are logged too)."""
    return list(session.exec(select(AccessLog).where(
        AccessLog.client_id == client_id, col(AccessLog.action).in_(("read", "search")))))


def test_a_care_provider_registers_a_client(api, users):
    response = api.post("/api/v1/clients", client_body(reference="LIS-001", needs=["lift"]),
                        as_="care_provider")
    assert response.status_code == 201
    client = response.get_json()
    assert (client["state"], client["allowed_triggers"]) == ("registered", ["approve", "withdraw"])
    assert client["care_provider_id"] == users["care_provider"].organisation_id
    assert (client["reference"], client["needs"], client["waiting_since"]) == (
        "LIS-001", ["lift"], None)
    for field in ("target_group", "adults", "children", "birth_year", "annual_income",
                  "excluded_wijken", "preferred_wijken", "flip_lease_ok", "support_confirmed",
                  "registered_on"):
        assert field in client


@pytest.mark.parametrize("role", ("corporation", "matcher", "analyst", "admin"))
def test_only_a_care_provider_registers_clients(api, role):
    assert api.post("/api/v1/clients", client_body(), as_=role).status_code == 403


def test_a_client_with_wrong_values_names_every_field(api):
    response = api.post("/api/v1/clients",
                        client_body(adults=0, needs=["sauna"], target_group="nobody",
                                    registered_on="yesterday"), as_="care_provider")
    assert response.status_code == 422
    assert {"adults", "needs", "registered_on"} <= set(error_of(response)["fields"])


def test_a_reference_is_unique_per_care_provider(api):
    assert api.post("/api/v1/clients", client_body(reference="R-1"),
                    as_="care_provider").status_code == 201
    response = api.post("/api/v1/clients", client_body(reference="R-1"), as_="care_provider")
    assert response.status_code == 422
    assert "reference" in error_of(response)["fields"]
    assert api.post("/api/v1/clients", client_body(reference="R-1"),
                    as_="other_care_provider").status_code == 201


def test_a_care_provider_lists_its_own_clients_and_every_read_is_logged(api, world, reference):
    own = world.client()
    other = world.client(provider="other_care_provider")
    listed = api.get("/api/v1/clients", as_="care_provider").get_json()
    assert [c["id"] for c in listed["items"]] == [own.id]
    assert listed["total"] == 1
    assert len(logged_reads(reference, own.id)) == 1
    assert logged_reads(reference, other.id) == []
    everything = api.get("/api/v1/clients?state=waiting", as_="matcher").get_json()
    assert {c["id"] for c in everything["items"]} == {own.id, other.id}
    assert len(logged_reads(reference, other.id)) == 1


def test_reading_one_client_is_logged_and_shows_its_history(api, world, reference, users):
    client = world.client()
    response = api.get(f"/api/v1/clients/{client.id}", as_="care_provider")
    assert response.status_code == 200
    detail = response.get_json()
    assert (detail["state"], detail["waiting_since"]) == ("waiting", "2019-07-01")
    assert [e["trigger"] for e in detail["history"]] == ["create", "approve"]
    [read] = logged_reads(reference, client.id)
    assert (read.user_id, read.organisation_id) == (
        users["care_provider"].id, users["care_provider"].organisation_id)


@pytest.mark.parametrize("role", ("analyst", "corporation", "admin"))
def test_roles_without_a_need_to_know_never_see_a_client(api, world, reference, role):
    client = world.client()
    assert api.get("/api/v1/clients", as_=role).status_code == 403
    response = api.get(f"/api/v1/clients/{client.id}", as_=role)
    assert response.status_code == 403
    assert "annual_income" not in response.get_data(as_text=True)
    assert logged_reads(reference, client.id) == []


def test_another_care_provider_s_client_is_not_found(api, world):
    client = world.client(provider="other_care_provider")
    assert api.get(f"/api/v1/clients/{client.id}", as_="care_provider").status_code == 404
    assert api.post(f"/api/v1/clients/{client.id}/hold", as_="care_provider").status_code == 404
    assert api.post(f"/api/v1/clients/{client.id}/withdraw", {"reason": "x"},
                    as_="care_provider").status_code == 404


def test_the_agency_approves_a_referral(api, world):
    client = world.client(approve=False)
    response = api.post(f"/api/v1/clients/{client.id}/approve",
                        {"waiting_since": "2019-06-01"}, as_="matcher")
    assert response.status_code == 200
    approved = response.get_json()
    assert (approved["state"], approved["waiting_since"]) == ("waiting", "2019-06-01")
    again = api.post(f"/api/v1/clients/{client.id}/approve", as_="matcher")
    assert again.status_code == 409
    assert error_of(again)["state"] == "waiting"


def test_approval_without_a_body_starts_the_wait_today(api, world):
    client = world.client(approve=False)
    response = api.post(f"/api/v1/clients/{client.id}/approve", as_="matcher")
    assert response.status_code == 200
    assert response.get_json()["waiting_since"]


def test_a_waiting_start_in_the_future_is_refused(api, world):
    client = world.client(approve=False)
    response = api.post(f"/api/v1/clients/{client.id}/approve",
                        {"waiting_since": "2099-01-01"}, as_="matcher")
    assert response.status_code == 422
    assert "waiting_since" in error_of(response)["fields"]


@pytest.mark.parametrize("role", ("care_provider", "corporation", "analyst"))
def test_only_the_agency_approves(api, world, role):
    client = world.client(approve=False)
    assert api.post(f"/api/v1/clients/{client.id}/approve", as_=role).status_code == 403


def test_hold_and_resume(api, world):
    client = world.client()
    held = api.post(f"/api/v1/clients/{client.id}/hold", {"reason": "Opname kliniek"},
                    as_="care_provider")
    assert held.status_code == 200
    assert (held.get_json()["state"], held.get_json()["allowed_triggers"]) == (
        "on_hold", ["resume", "withdraw"])
    again = api.post(f"/api/v1/clients/{client.id}/hold", as_="matcher")
    assert again.status_code == 409
    assert error_of(again)["allowed_triggers"] == ["resume", "withdraw"]
    resumed = api.post(f"/api/v1/clients/{client.id}/resume", as_="matcher")
    assert resumed.status_code == 200 and resumed.get_json()["state"] == "waiting"


@pytest.mark.parametrize("action", ("hold", "resume"))
@pytest.mark.parametrize("role", ("corporation", "analyst"))
def test_corporations_and_the_municipality_do_not_pause_clients(api, world, role, action):
    client = world.client()
    assert api.post(f"/api/v1/clients/{client.id}/{action}", as_=role).status_code == 403


def test_withdrawing_needs_a_reason(api, world):
    client = world.client()
    response = api.post(f"/api/v1/clients/{client.id}/withdraw", {}, as_="care_provider")
    assert response.status_code == 422
    assert "reason" in error_of(response)["fields"]
    response = api.post(f"/api/v1/clients/{client.id}/withdraw", {"reason": "Verhuisd"},
                        as_="care_provider")
    assert response.status_code == 200
    assert response.get_json()["state"] == "withdrawn"
    again = api.post(f"/api/v1/clients/{client.id}/withdraw", {"reason": "Verhuisd"},
                     as_="care_provider")
    assert again.status_code == 409
    assert (error_of(again)["state"], error_of(again)["allowed_triggers"]) == ("withdrawn", [])


def test_withdrawing_a_proposed_client_takes_them_out_of_the_round(api, world):
    dwelling = world.dwelling()
    client = world.client()
    world.round(dwelling, [client])
    response = api.post(f"/api/v1/clients/{client.id}/withdraw", {"reason": "Overleden"},
                        as_="matcher")
    assert response.status_code == 200
    detail = api.get(f"/api/v1/dwellings/{dwelling.id}", as_="matcher").get_json()
    assert detail["state"] == "submitted"
    assert detail["rounds"][0]["candidates"][0]["state"] == "withdrawn"


def test_reinstating_a_client_who_refused_needs_a_motivation(api, world):
    dwelling, client = world.matched()
    api.post(f"/api/v1/dwellings/{dwelling.id}/offer",
             {"answer": "declined", "reason_code": "client_declined_offer", "valid": False},
             as_="matcher")
    missing = api.post(f"/api/v1/clients/{client.id}/reinstate", {}, as_="matcher")
    assert missing.status_code == 422
    assert "motivation" in error_of(missing)["fields"]
    response = api.post(f"/api/v1/clients/{client.id}/reinstate",
                        {"motivation": "Reden alsnog geldig"}, as_="matcher")
    assert response.status_code == 200 and response.get_json()["state"] == "waiting"
