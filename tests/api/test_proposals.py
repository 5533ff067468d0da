"""Suggestions, rounds of candidates, decisions, the offer's answer and letting."""

import pytest

from tests.api.conftest import error_of


def test_the_agency_sees_ranked_suggestions_with_explanations_and_exclusions(api, world):
    dwelling = world.dwelling()
    clients = [world.client() for _ in range(4)]
    response = api.get(f"/api/v1/dwellings/{dwelling.id}/suggestions", as_="matcher")
    assert response.status_code == 200
    found = response.get_json()
    assert found["eligible"] == 4 and found["total"] == 4
    assert [s["rank"] for s in found["items"]] == [1, 2, 3]
    assert {s["client_id"] for s in found["items"]} <= {c.id for c in clients}
    first = found["items"][0]
    assert first["score"] > 0 and first["explanation"]["factors"]
    assert "household_too_large" in found["excluded"] or found["excluded"]


def test_suggestions_page_past_the_top(api, world):
    dwelling = world.dwelling()
    for _ in range(4):
        world.client()
    page = api.get(f"/api/v1/dwellings/{dwelling.id}/suggestions?page=2&per_page=3",
                   as_="matcher").get_json()
    assert (page["page"], page["per_page"]) == (2, 3)
    assert [s["rank"] for s in page["items"]] == [4]


@pytest.mark.parametrize("role", ("corporation", "care_provider", "analyst"))
def test_only_the_agency_asks_for_suggestions(api, world, role):
    dwelling = world.dwelling()
    assert api.get(f"/api/v1/dwellings/{dwelling.id}/suggestions", as_=role).status_code == 403


def test_proposing_opens_a_round_and_answers_it_with_its_dwelling(api, world):
    dwelling = world.dwelling()
    clients = [world.client() for _ in range(2)]
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/proposals",
                        {"client_ids": [c.id for c in clients],
                         "motivation": "Beide passen goed"}, as_="matcher")
    assert response.status_code == 201
    proposal = response.get_json()
    assert (proposal["state"], proposal["round_no"]) == ("open", 1)
    assert proposal["allowed_triggers"]
    assert [c["client_id"] for c in proposal["candidates"]] == [c.id for c in clients]
    assert proposal["dwelling"]["state"] == "proposed"


def test_proposing_more_than_the_round_size_names_client_ids(api, world):
    dwelling = world.dwelling()
    clients = [world.client() for _ in range(4)]
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/proposals",
                        {"client_ids": [c.id for c in clients]}, as_="matcher")
    assert response.status_code == 422
    assert "client_ids" in error_of(response)["fields"]


def test_deviating_from_the_top_needs_a_motivation(api, world):
    dwelling = world.dwelling()
    clients = [world.client() for _ in range(4)]
    top = api.get(f"/api/v1/dwellings/{dwelling.id}/suggestions", as_="matcher").get_json()
    outsider = next(c.id for c in clients if c.id not in {s["client_id"] for s in top["items"]})
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/proposals",
                        {"client_ids": [outsider]}, as_="matcher")
    assert response.status_code == 422
    assert "motivation" in error_of(response)["fields"]


def test_proposing_for_a_draft_is_409(api, world):
    draft = world.dwelling(submit=False)
    client = world.client()
    response = api.post(f"/api/v1/dwellings/{draft.id}/proposals",
                        {"client_ids": [client.id], "motivation": "x"}, as_="matcher")
    assert response.status_code == 409
    error = error_of(response)
    assert (error["state"], error["allowed_triggers"]) == ("draft", ["submit", "withdraw"])


@pytest.mark.parametrize("role", ("corporation", "care_provider", "analyst", "admin"))
def test_only_the_agency_proposes(api, world, role):
    dwelling = world.dwelling()
    client = world.client()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/proposals",
                        {"client_ids": [client.id]}, as_=role)
    assert response.status_code == 403


def test_proposing_for_an_unknown_dwelling_is_404(api, world):
    client = world.client()
    response = api.post("/api/v1/dwellings/999999/proposals", {"client_ids": [client.id]},
                        as_="matcher")
    assert response.status_code == 404


def test_the_corporation_accepts_a_candidate(api, world):
    dwelling = world.dwelling()
    chosen, other = world.client(), world.client()
    proposal = world.round(dwelling, [chosen, other])
    response = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                        {"client_id": chosen.id, "decision": "accept"}, as_="corporation")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["state"] == "accepted"
    assert [c["state"] for c in answer["candidates"]] == ["accepted", "not_chosen"]
    assert answer["dwelling"]["state"] == "matched"
    assert answer["dwelling"]["matched_client_id"] == chosen.id


def test_rejecting_needs_a_reason_code(api, world):
    dwelling = world.dwelling()
    client = world.client()
    proposal = world.round(dwelling, [client])
    response = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                        {"client_id": client.id, "decision": "reject"}, as_="corporation")
    assert response.status_code == 422
    assert "reason_code" in error_of(response)["fields"]
    response = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                        {"client_id": client.id, "decision": "maybe"}, as_="corporation")
    assert "decision" in error_of(response)["fields"]


def test_rejecting_every_candidate_sends_the_dwelling_back(api, world):
    dwelling = world.dwelling()
    client = world.client()
    proposal = world.round(dwelling, [client])
    response = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                        {"client_id": client.id, "decision": "reject",
                         "reason_code": "area_concentration", "motivation": "Te veel in portiek"},
                        as_="corporation")
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["state"] == "rejected"
    assert answer["candidates"][0]["reason_code"] == "area_concentration"
    assert answer["dwelling"]["state"] == "submitted"


def test_deciding_on_a_closed_round_is_409(api, world):
    dwelling, client = world.matched()
    proposal_id = api.get(f"/api/v1/dwellings/{dwelling.id}",
                          as_="corporation").get_json()["rounds"][0]["id"]
    response = api.post(f"/api/v1/proposals/{proposal_id}/decisions",
                        {"client_id": client.id, "decision": "accept"}, as_="corporation")
    assert response.status_code == 409
    assert error_of(response)["state"] == "accepted"


def test_another_corporation_s_round_is_not_found(api, world):
    dwelling = world.dwelling(owner="other_corporation")
    client = world.client()
    proposal = world.round(dwelling, [client])
    response = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                        {"client_id": client.id, "decision": "accept"}, as_="corporation")
    assert response.status_code == 404
    assert api.get(f"/api/v1/proposals/{proposal.id}", as_="corporation").status_code == 404
    assert api.get(f"/api/v1/proposals/{proposal.id}",
                   as_="other_corporation").status_code == 200


@pytest.mark.parametrize("role", ("matcher", "care_provider", "analyst"))
def test_only_a_corporation_decides(api, world, role):
    dwelling = world.dwelling()
    client = world.client()
    proposal = world.round(dwelling, [client])
    response = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                        {"client_id": client.id, "decision": "accept"}, as_=role)
    assert response.status_code == 403


def test_the_accepted_offer_moves_dwelling_and_client(api, world):
    dwelling, client = world.matched()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/offer", {"answer": "accepted"},
                        as_="matcher")
    assert response.status_code == 200
    assert response.get_json()["state"] == "offer_accepted"
    assert response.get_json()["allowed_triggers"] == ["reopen", "let"]
    client_now = api.get(f"/api/v1/clients/{client.id}", as_="matcher").get_json()
    assert client_now["state"] == "offer_accepted"


def test_a_valid_decline_sends_the_client_back_to_waiting(api, world):
    dwelling, client = world.matched()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/offer",
                        {"answer": "declined", "reason_code": "dwelling_unsuitable",
                         "valid": True}, as_="matcher")
    assert response.status_code == 200
    assert response.get_json()["state"] == "submitted"
    assert api.get(f"/api/v1/clients/{client.id}", as_="matcher").get_json()["state"] == "waiting"


def test_an_invalid_decline_lapses_the_client_s_priority(api, world):
    dwelling, client = world.matched()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/offer",
                        {"answer": "declined", "reason_code": "client_declined_offer",
                         "valid": False}, as_="matcher")
    assert response.status_code == 200
    assert response.get_json()["state"] == "submitted"
    refused = api.get(f"/api/v1/clients/{client.id}", as_="matcher").get_json()
    assert (refused["state"], refused["allowed_triggers"]) == (
        "offer_refused", ["reinstate", "withdraw"])


def test_a_decline_without_reason_names_the_missing_fields(api, world):
    dwelling, _client = world.matched()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/offer", {"answer": "declined"},
                        as_="matcher")
    assert response.status_code == 422
    assert {"reason_code", "valid"} <= set(error_of(response)["fields"])


def test_an_offer_answer_for_an_unmatched_dwelling_is_409(api, world):
    dwelling = world.dwelling()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/offer", {"answer": "accepted"},
                        as_="matcher")
    assert response.status_code == 409
    assert error_of(response)["state"] == "submitted"


@pytest.mark.parametrize("role", ("corporation", "care_provider", "analyst"))
def test_only_the_agency_records_the_offer_answer(api, world, role):
    dwelling, _client = world.matched()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/offer", {"answer": "accepted"},
                        as_=role)
    assert response.status_code == 403


def test_letting_houses_the_client_and_creates_the_lease(api, world, users):
    dwelling, client = world.offer_accepted()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/let",
                        {"lease_start": "2019-10-01", "lease_type": "flip"}, as_="corporation")
    assert response.status_code == 200
    let = response.get_json()
    assert (let["state"], let["allowed_triggers"]) == ("let", [])
    lease = let["lease"]
    assert (lease["type"], lease["state"], lease["start"]) == ("flip", "active", "2019-10-01")
    assert lease["review_on"] == "2021-10-01"
    assert lease["tenant_care_provider_id"] == users["care_provider"].organisation_id
    assert api.get(f"/api/v1/clients/{client.id}", as_="matcher").get_json()["state"] == "housed"


def test_letting_before_the_offer_is_accepted_is_409(api, world):
    dwelling, _client = world.matched()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/let",
                        {"lease_start": "2019-10-01", "lease_type": "direct"}, as_="corporation")
    assert response.status_code == 409
    error = error_of(response)
    assert error["state"] == "matched"
    assert "accept_offer" in error["allowed_triggers"]


def test_letting_with_a_bad_lease_type_or_date_names_the_field(api, world):
    dwelling, _client = world.offer_accepted()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/let",
                        {"lease_start": "1-10-2019", "lease_type": "sublet"}, as_="corporation")
    assert response.status_code == 422
    assert {"lease_start", "lease_type"} <= set(error_of(response)["fields"])


def test_another_corporation_cannot_let_the_dwelling(api, world):
    dwelling, _client = world.offer_accepted(owner="other_corporation")
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/let",
                        {"lease_start": "2019-10-01", "lease_type": "direct"}, as_="corporation")
    assert response.status_code == 404
