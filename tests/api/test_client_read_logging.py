"""Every API answer that shows a client is in the access log: the answers of the client's
transitions and registration, and a replay of a stored Idempotency-Key answer."""

from typing import Any

import pytest
from sqlmodel import Session, col, select

from matching.models import AccessLog
from matching.services.dwellings import record_offer_answer
from tests.api.conftest import client_body


def reads_by(session: Session, client_id: int, user_id: int, purpose: str) -> list[AccessLog]:
    session.expire_all()
    return list(session.exec(select(AccessLog).where(
        AccessLog.client_id == client_id, AccessLog.user_id == user_id,
        col(AccessLog.purpose).startswith(purpose))))


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def _refused(world: Any) -> Any:
    dwelling, client = world.matched()
    record_offer_answer(world.session, dwelling_id=dwelling.id, answer="declined",
                        reason_code="client_declined_offer", valid=False,
                        actor=world.users["matcher"])
    return client


def _on_hold(world: Any) -> Any:
    client = world.client()
    from matching.services.clients import hold_client
    hold_client(world.session, client_id=client.id, reason="kliniek",
                actor=world.users["care_provider"])
    return client


TRANSITIONS = {
    # trigger: (who, how to get a client in the state it starts from, body)
    "approve": ("matcher", lambda world: world.client(approve=False), {}),
    "hold": ("care_provider", lambda world: world.client(), {"reason": "opname"}),
    "resume": ("matcher", _on_hold, {}),
    "withdraw": ("care_provider", lambda world: world.client(), {"reason": "verhuisd"}),
    "reinstate": ("matcher", _refused, {"motivation": "geldige reden achteraf"}),
}


@pytest.mark.parametrize("trigger", sorted(TRANSITIONS))
def test_the_answer_of_a_client_transition_is_logged_as_a_read_of_the_client(
        api, world, reference, users, trigger):
    role, prepare, body = TRANSITIONS[trigger]
    client = prepare(world)
    response = api.post(f"/api/v1/clients/{client.id}/{trigger}", body, as_=role)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["annual_income"] == client.annual_income  # the answer shows it
    logged = reads_by(reference, client.id, users[role].id, f"API: client after {trigger}")
    assert len(logged) == 1
    assert logged[0].organisation_id == users[role].organisation_id


def test_the_answer_of_a_registration_is_logged_as_a_read_of_the_new_client(
        api, reference, users):
    response = api.post("/api/v1/clients", client_body(), as_="care_provider")
    assert response.status_code == 201
    client_id = response.get_json()["id"]
    assert len(reads_by(reference, client_id, users["care_provider"].id,
                        "API: client after register")) == 1


def test_a_replayed_transition_answer_logs_the_client_again(api, world, reference, users):
    client = world.client()
    path = f"/api/v1/clients/{client.id}/hold"
    first = api.post(path, {"reason": "opname"}, as_="care_provider", headers=key("hold-1"))
    again = api.post(path, {"reason": "opname"}, as_="care_provider", headers=key("hold-1"))
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()
    replays = reads_by(reference, client.id, users["care_provider"].id, "API: replayed answer")
    assert len(replays) == 1
    assert path in replays[0].purpose


def test_a_replayed_proposal_logs_every_candidate_again(api, world, reference, users):
    dwelling = world.dwelling()
    clients = [world.client() for _ in range(2)]
    path = f"/api/v1/dwellings/{dwelling.id}/proposals"
    body = {"client_ids": [c.id for c in clients], "motivation": "met de hand"}
    assert api.post(path, body, as_="matcher", headers=key("round-1")).status_code == 201
    again = api.post(path, body, as_="matcher", headers=key("round-1"))
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    for client in clients:
        assert len(reads_by(reference, client.id, users["matcher"].id,
                            "API: replayed answer")) == 1


def test_a_replayed_decision_logs_the_candidates_again(api, world, reference, users):
    dwelling = world.dwelling()
    client = world.client()
    proposal = world.round(dwelling, [client])
    path = f"/api/v1/proposals/{proposal.id}/decisions"
    body = {"client_id": client.id, "decision": "accept"}
    assert api.post(path, body, as_="corporation", headers=key("decide-1")).status_code == 200
    again = api.post(path, body, as_="corporation", headers=key("decide-1"))
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(reads_by(reference, client.id, users["corporation"].id,
                        "API: replayed answer")) == 1
