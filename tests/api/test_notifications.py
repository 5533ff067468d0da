"""GET /notifications, POST /notifications/{id}/read, and the agency's extension and
cancellation of a round (POST /proposals/{id}/extend, /cancel)."""

import json
import re
from datetime import timedelta

import pytest
from sqlmodel import Session

from matching.models import Notification
from matching.services.round_escalation import latest_extended_deadline
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.api.conftest import client_body, error_of

FIELDS = {"id", "kind", "created_at", "read_at", "subject_type", "subject_id", "message_nl",
          "message_en"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")


def listed(api, role, query=""):
    response = api.get(f"/api/v1/notifications{query}", as_=role)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def kinds_of(page):
    return [(item["kind"], item["subject_type"], item["subject_id"]) for item in page["items"]]


def test_a_round_tells_the_corporation_without_naming_the_client(api, world):
    dwelling = world.dwelling()
    client = world.client(reference="REF-GEHEIM-42", birth_year=1977, annual_income=23456)
    proposal = world.round(dwelling, [client])
    page = listed(api, "corporation")
    assert (page["page"], page["per_page"], page["total"]) == (1, 50, 1)
    assert kinds_of(page) == [("round_opened", "proposal", proposal.id)]
    item = page["items"][0]
    assert set(item) == FIELDS
    assert TIMESTAMP.match(item["created_at"]) and item["read_at"] is None
    assert dwelling.address in item["message_nl"] and dwelling.address in item["message_en"]
    assert item["message_nl"] != item["message_en"]
    # The timestamp is left out: its microseconds may spell "1977" by chance.
    shown = json.dumps({key: value for key, value in item.items() if key != "created_at"})
    for personal in ("REF-GEHEIM-42", "1977", "23456", "23.456", "23,456"):
        assert personal not in shown
    # Nobody else is told of the round: not another corporation, nor the agency itself.
    assert listed(api, "other_corporation")["total"] == 0
    assert all(kind != "round_opened" for kind, *_ in kinds_of(listed(api, "matcher")))


def test_the_agency_is_told_when_the_corporation_decides(api, world):
    dwelling = world.dwelling()
    client = world.client()
    proposal = world.round(dwelling, [client])
    assert all(kind != "round_decided" for kind, *_ in kinds_of(listed(api, "matcher")))
    decided = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                       {"client_id": client.id, "decision": "accept"}, as_="corporation")
    assert decided.status_code == 200
    page = listed(api, "matcher")
    assert kinds_of(page)[0] == ("round_decided", "proposal", proposal.id)
    assert "accepted" in page["items"][0]["message_en"]
    assert "geaccepteerd" in page["items"][0]["message_nl"]


def test_the_agency_is_told_of_a_new_referral(api):
    created = api.post("/api/v1/clients", client_body(reference="REF-NIEUW-7"),
                       as_="care_provider")
    assert created.status_code == 201
    page = listed(api, "matcher")
    assert kinds_of(page) == [("referral_received", "client", created.get_json()["id"])]
    item = page["items"][0]
    assert "Lister" in item["message_nl"] and "Lister" in item["message_en"]
    assert "REF-NIEUW-7" not in json.dumps(item)
    assert listed(api, "care_provider")["total"] == 0


def test_notifications_come_newest_first_and_page(api, world):
    first, second = world.dwelling(), world.dwelling()
    first_round = world.round(first, [world.client()])
    second_round = world.round(second, [world.client()])
    page = listed(api, "corporation")
    assert [item["subject_id"] for item in page["items"]] == [second_round.id, first_round.id]
    assert page["items"][0]["created_at"] >= page["items"][1]["created_at"]
    paged = listed(api, "corporation", "?page=2&per_page=1")
    assert (paged["page"], paged["per_page"], paged["total"]) == (2, 1, 2)
    assert [item["subject_id"] for item in paged["items"]] == [first_round.id]
    assert listed(api, "corporation", "?page=3&per_page=1")["items"] == []


def test_reading_one_sets_read_at_and_takes_it_out_of_the_unread(api, world):
    first, second = world.dwelling(), world.dwelling()
    world.round(first, [world.client()])
    world.round(second, [world.client()])
    newest, oldest = listed(api, "corporation")["items"]
    response = api.post(f"/api/v1/notifications/{oldest['id']}/read", as_="corporation")
    assert response.status_code == 200
    read = response.get_json()
    assert set(read) == FIELDS
    assert TIMESTAMP.match(read["read_at"])
    assert {k: v for k, v in read.items() if k != "read_at"} == {
        k: v for k, v in oldest.items() if k != "read_at"}
    unread = listed(api, "corporation", "?unread=true")
    assert [item["id"] for item in unread["items"]] == [newest["id"]]
    assert unread["total"] == 1
    everything = listed(api, "corporation", "?unread=false")
    assert [item["id"] for item in everything["items"]] == [newest["id"], oldest["id"]]
    assert everything["items"][1]["read_at"] == read["read_at"]
    again = api.post(f"/api/v1/notifications/{oldest['id']}/read", {}, as_="corporation")
    assert again.status_code == 200
    assert again.get_json()["read_at"] == read["read_at"]


def test_reading_with_an_idempotency_key_replays_the_first_answer(api, world):
    world.round(world.dwelling(), [world.client()])
    (item,) = listed(api, "corporation")["items"]
    headers = {"Idempotency-Key": "read-once"}
    first = api.post(f"/api/v1/notifications/{item['id']}/read", as_="corporation",
                     headers=headers)
    second = api.post(f"/api/v1/notifications/{item['id']}/read", as_="corporation",
                      headers=headers)
    assert first.status_code == second.status_code == 200
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert second.get_json() == first.get_json()


def test_another_user_s_notification_is_not_found_and_stays_unread(api, world,
                                                                   reference: Session):
    world.round(world.dwelling(), [world.client()])
    (item,) = listed(api, "corporation")["items"]
    for role in ("other_corporation", "matcher", "admin"):
        response = api.post(f"/api/v1/notifications/{item['id']}/read", as_=role)
        assert response.status_code == 404, role
        assert error_of(response)["code"] == "not_found"
    missing = api.post("/api/v1/notifications/999999/read", as_="corporation")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    assert reference.get(Notification, item["id"]).read_at is None
    assert listed(api, "corporation", "?unread=true")["total"] == 1


def test_without_a_token_notifications_are_401(api):
    for response in (api.get("/api/v1/notifications", as_=None),
                     api.post("/api/v1/notifications/1/read", as_=None)):
        assert response.status_code == 401
        assert error_of(response)["code"] == "unauthorized"


@pytest.mark.parametrize("role", ("analyst", "admin"))
def test_the_municipality_and_the_admin_simply_have_none(api, world, role):
    world.round(world.dwelling(), [world.client()])
    assert listed(api, role) == {"items": [], "page": 1, "per_page": 50, "total": 0}


@pytest.mark.parametrize("query", ["?unread=maybe", "?unread=1", "?unread=yes", "?page=0",
                                   "?per_page=201"])
def test_a_bad_query_value_is_422(api, query):
    response = api.get(f"/api/v1/notifications{query}", as_="corporation")
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) & {"unread", "page", "per_page"}


def test_unread_is_read_in_any_case_as_a_client_library_writes_it(api, world):
    world.round(world.dwelling(), [world.client()])
    for flag in ("True", "TRUE", "true"):
        assert listed(api, "corporation", f"?unread={flag}")["total"] == 1
    assert listed(api, "corporation", "?unread=False")["total"] == 1


def test_the_document_describes_the_notification_operations(api):
    paths = api.get("/api/v1/openapi.json", as_=None).get_json()["paths"]
    assert "get" in paths["/api/v1/notifications"]
    read = paths["/api/v1/notifications/{notification_id}/read"]["post"]
    assert read["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NotificationOut"}
    for operation in ("extend", "cancel"):
        assert "post" in paths[f"/api/v1/proposals/{{proposal_id}}/{operation}"]


# --- the agency extends or cancels an undecided round -------------------------------------


def test_the_agency_extends_a_round_once(api, world, reference: Session):
    proposal = world.round(world.dwelling(), [world.client()])
    deadline = latest_extended_deadline(reference, local_date(utcnow())).isoformat()
    body = {"deadline": deadline, "reason": "De corporatie vroeg om meer tijd"}
    response = api.post(f"/api/v1/proposals/{proposal.id}/extend", body, as_="matcher")
    assert response.status_code == 200, response.get_json()
    extended = response.get_json()
    assert (extended["id"], extended["state"], extended["deadline"]) == (
        proposal.id, "open", deadline)
    assert "extend" not in extended["allowed_triggers"]
    assert "cancel" in extended["allowed_triggers"]
    assert extended["dwelling"]["state"] == "proposed"
    told = kinds_of(listed(api, "corporation"))
    assert told[0] == ("round_extended", "proposal", proposal.id)

    again = api.post(f"/api/v1/proposals/{proposal.id}/extend", body, as_="matcher")
    assert again.status_code == 409
    error = error_of(again)
    assert (error["state"], error["trigger"]) == ("open", "extend")
    assert "extend" not in error["allowed_triggers"]


@pytest.mark.parametrize("body, field", [
    ({"reason": "Meer tijd"}, "deadline"),
    ({"deadline": "yesterday", "reason": "Meer tijd"}, "deadline"),
    ({"deadline": "past", "reason": "Meer tijd"}, "deadline"),
    ({"deadline": "far", "reason": "Meer tijd"}, "deadline"),
    ({"deadline": "valid"}, "reason"),
    ({"deadline": "valid", "reason": "   "}, "reason"),
    ({"deadline": "valid", "reason": "x" * 501}, "reason"),
    ({"deadline": "valid", "reason": "Meer tijd", "extra": 1}, "extra"),
])
def test_an_extension_needs_a_coming_deadline_and_a_reason(api, world, reference: Session,
                                                           body, field):
    proposal = world.round(world.dwelling(), [world.client()])
    today = local_date(utcnow())
    days = {"valid": latest_extended_deadline(reference, today), "past": today,
            "far": latest_extended_deadline(reference, today) + timedelta(days=30),
            "yesterday": today - timedelta(days=1)}
    if body.get("deadline") in days:
        body = {**body, "deadline": days[body["deadline"]].isoformat()}
    response = api.post(f"/api/v1/proposals/{proposal.id}/extend", body, as_="matcher")
    assert response.status_code == 422, response.get_json()
    assert field in error_of(response)["fields"]
    shown = api.get(f"/api/v1/proposals/{proposal.id}", as_="matcher").get_json()
    assert shown["deadline"] == proposal.deadline.isoformat()


def test_the_agency_cancels_a_round_and_the_dwelling_is_queued_again(api, world):
    dwelling = world.dwelling()
    client = world.client()
    proposal = world.round(dwelling, [client])
    response = api.post(f"/api/v1/proposals/{proposal.id}/cancel",
                        {"reason": "Geen besluit van de corporatie"}, as_="matcher")
    assert response.status_code == 200, response.get_json()
    cancelled = response.get_json()
    assert (cancelled["state"], cancelled["allowed_triggers"]) == ("cancelled", [])
    assert cancelled["closed_at"] is not None
    assert [c["state"] for c in cancelled["candidates"]] == ["withdrawn"]
    assert cancelled["dwelling"]["state"] == "submitted"
    assert api.get(f"/api/v1/clients/{client.id}", as_="matcher").get_json()["state"] == (
        "waiting")
    assert kinds_of(listed(api, "corporation"))[0] == ("round_cancelled", "proposal",
                                                       proposal.id)
    again = api.post(f"/api/v1/proposals/{proposal.id}/cancel", {"reason": "Nogmaals"},
                     as_="matcher")
    assert again.status_code == 409
    assert error_of(again)["state"] == "cancelled"
    missing = api.post(f"/api/v1/proposals/{proposal.id}/cancel", {}, as_="matcher")
    assert missing.status_code == 422


def test_a_decided_round_can_be_neither_extended_nor_cancelled(api, world, reference):
    dwelling, _client = world.matched()
    proposal_id = api.get(f"/api/v1/dwellings/{dwelling.id}",
                          as_="matcher").get_json()["rounds"][0]["id"]
    deadline = latest_extended_deadline(reference, local_date(utcnow())).isoformat()
    extend = api.post(f"/api/v1/proposals/{proposal_id}/extend",
                      {"deadline": deadline, "reason": "x"}, as_="matcher")
    cancel = api.post(f"/api/v1/proposals/{proposal_id}/cancel", {"reason": "x"},
                      as_="matcher")
    assert extend.status_code == cancel.status_code == 409
    assert error_of(extend)["state"] == error_of(cancel)["state"] == "accepted"


@pytest.mark.parametrize("role", ("corporation", "care_provider", "analyst", "admin"))
def test_only_the_agency_extends_or_cancels_a_round(api, world, reference, role):
    proposal = world.round(world.dwelling(), [world.client()])
    deadline = latest_extended_deadline(reference, local_date(utcnow())).isoformat()
    extend = api.post(f"/api/v1/proposals/{proposal.id}/extend",
                      {"deadline": deadline, "reason": "x"}, as_=role)
    cancel = api.post(f"/api/v1/proposals/{proposal.id}/cancel", {"reason": "x"}, as_=role)
    assert extend.status_code == cancel.status_code == 403
    assert error_of(extend)["code"] == "forbidden"


def test_an_unknown_round_is_not_found(api):
    response = api.post("/api/v1/proposals/999999/cancel", {"reason": "x"}, as_="matcher")
    assert response.status_code == 404
