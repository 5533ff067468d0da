"""The API against its contract page (api-contract.md), read literally: field names and types,
the formats of dates, timestamps and quarters, and the bodies as the contract writes them."""

import re
from typing import Any

import pytest
from sqlmodel import Session, select

from matching.models import AccessLog, ClientEvent
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.api.conftest import client_body, dwelling_body, error_of

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")
QUARTER = re.compile(r"^\d{4}Q[1-4]$")

# "A dwelling:" and "A client:" of the contract's Fields section, with the JSON types.
DWELLING_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (int,), "corporation_id": (int,), "address": (str,), "postcode": (str,),
    "wijk": (str,), "complex_code": (str, type(None)), "rooms": (int,),
    "floor_area_m2": (int,), "rent": (int, float), "floor": (int,), "has_lift": (bool,),
    "accessible": (bool,), "designation": (str,), "lease_type": (str,),
    "available_from": (str,), "state": (str,), "allowed_triggers": (list,),
    "submitted_at": (str,), "quarter": (str,),
}
CLIENT_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (int,), "care_provider_id": (int,), "reference": (str,), "target_group": (str,),
    "adults": (int,), "children": (int,), "birth_year": (int,), "annual_income": (int,),
    "needs": (list,), "excluded_wijken": (list,), "preferred_wijken": (list,),
    "flip_lease_ok": (bool,), "support_confirmed": (bool,), "registered_on": (str,),
    "waiting_since": (str,), "state": (str,), "allowed_triggers": (list,),
}


def assert_fields(found: dict[str, Any], fields: dict[str, tuple[type, ...]]) -> None:
    missing = set(fields) - set(found)
    assert not missing, missing
    wrong = {name: found[name] for name, types in fields.items()
             if not isinstance(found[name], types)
             or (type(found[name]) is bool and bool not in types)}
    assert not wrong, wrong


def test_a_submitted_dwelling_carries_every_contract_field_with_its_type(api):
    created = api.post("/api/v1/dwellings", dwelling_body(rent="612.35", complex_code="K7"),
                       as_="corporation").get_json()
    dwelling = api.post(f"/api/v1/dwellings/{created['id']}/submit",
                        as_="corporation").get_json()
    assert_fields(dwelling, DWELLING_FIELDS)
    assert dwelling["rent"] == 612.35
    assert DATE.match(dwelling["available_from"])
    assert TIMESTAMP.match(dwelling["submitted_at"]), dwelling["submitted_at"]
    assert QUARTER.match(dwelling["quarter"]), dwelling["quarter"]


def test_an_approved_client_carries_every_contract_field_with_its_type(api):
    created = api.post("/api/v1/clients", client_body(needs=["lift"],
                                                      excluded_wijken=["Overvecht"]),
                       as_="care_provider").get_json()
    client = api.post(f"/api/v1/clients/{created['id']}/approve",
                      {"waiting_since": "2019-07-01"}, as_="matcher").get_json()
    assert_fields(client, CLIENT_FIELDS)
    assert (client["needs"], client["excluded_wijken"]) == (["lift"], ["Overvecht"])
    assert DATE.match(client["registered_on"]) and client["waiting_since"] == "2019-07-01"


def test_a_lease_carries_its_dates_type_state_and_history_with_offsets(api, world):
    lease = world.lease(lease_type="flip")
    found = api.get(f"/api/v1/leases/{lease.id}", as_="care_provider").get_json()
    assert {"start", "review_on", "end_on", "type", "state", "allowed_triggers",
            "history"} <= set(found)
    assert found["type"] == "flip"
    assert DATE.match(found["start"]) and DATE.match(found["review_on"])
    # A let flip lease has its creation in its history at least.
    assert found["history"], "a lease without history"
    assert all(TIMESTAMP.match(event["at"]) for event in found["history"])


def test_me_answers_the_user_the_role_and_the_organisation(api, users):
    me = api.get("/api/v1/me", as_="care_provider").get_json()
    assert me["user"] == {"id": users["care_provider"].id,
                          "email": users["care_provider"].email, "role": "care_provider"}
    assert me["role"] == "care_provider"
    assert me["organisation"] == {"id": users["care_provider"].organisation_id,
                                  "name": "Lister", "kind": "care_provider"}


@pytest.mark.parametrize("written", [1569888000, "1569888000", "2019-10-01T00:00:00",
                                     "2019-10-1", "01-10-2019", True])
def test_a_date_is_only_accepted_written_yyyy_mm_dd(api, world, written):
    dwelling, _client = world.offer_accepted()
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/let",
                        {"lease_start": written, "lease_type": "direct"}, as_="corporation")
    assert response.status_code == 422
    assert "lease_start" in error_of(response)["fields"]


def test_a_client_registered_without_a_date_is_registered_today(api):
    body = client_body()
    del body["registered_on"]
    response = api.post("/api/v1/clients", body, as_="care_provider")
    assert response.status_code == 201
    assert response.get_json()["registered_on"] == local_date(utcnow()).isoformat()


def test_a_body_may_name_the_caller_s_own_organisation_but_no_other(api, users):
    own_corporation = users["corporation"].organisation_id
    created = api.post("/api/v1/dwellings", {**dwelling_body(), "corporation_id": own_corporation},
                       as_="corporation")
    assert created.status_code == 201
    assert created.get_json()["corporation_id"] == own_corporation
    other = api.post("/api/v1/dwellings", {**dwelling_body(),
                                           "corporation_id": users["other_corporation"]
                                           .organisation_id}, as_="corporation")
    assert other.status_code == 422
    assert "corporation_id" in error_of(other)["fields"]

    own_provider = users["care_provider"].organisation_id
    registered = api.post("/api/v1/clients", {**client_body(), "care_provider_id": own_provider},
                          as_="care_provider")
    assert registered.status_code == 201
    assert registered.get_json()["care_provider_id"] == own_provider
    refused = api.post("/api/v1/clients", {**client_body(),
                                           "care_provider_id": users["other_care_provider"]
                                           .organisation_id}, as_="care_provider")
    assert refused.status_code == 422
    assert "care_provider_id" in error_of(refused)["fields"]


def test_hold_resume_and_withdraw_each_take_a_reason(api, world, reference: Session):
    client = world.client()
    for action, state in (("hold", "on_hold"), ("resume", "waiting"), ("withdraw", "withdrawn")):
        response = api.post(f"/api/v1/clients/{client.id}/{action}",
                            {"reason": f"reden voor {action}"}, as_="care_provider")
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["state"] == state
    resumed = reference.exec(select(ClientEvent).where(
        ClientEvent.client_id == client.id, ClientEvent.trigger == "resume")).one()
    assert resumed.data == {"reason": "reden voor resume"}


def test_resume_without_a_body_still_works(api, world):
    client = world.client()
    api.post(f"/api/v1/clients/{client.id}/hold", as_="matcher")
    response = api.post(f"/api/v1/clients/{client.id}/resume", as_="matcher")
    assert response.status_code == 200 and response.get_json()["state"] == "waiting"


def test_suggested_clients_are_written_to_the_access_log(api, world, reference: Session):
    dwelling = world.dwelling()
    client = world.client()
    found = api.get(f"/api/v1/dwellings/{dwelling.id}/suggestions", as_="matcher").get_json()
    assert [item["client_id"] for item in found["items"]] == [client.id]
    logged = reference.exec(select(AccessLog).where(AccessLog.client_id == client.id)).all()
    assert any("suggestions" in row.purpose for row in logged)
