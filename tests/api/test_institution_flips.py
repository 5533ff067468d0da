"""POST /leases/institution: an institution dwelling flipped to a regular lease for a client of
the provider (contract 1.1), and its count toward the provider's flip target."""

from datetime import date

from sqlmodel import select

from matching.models import Client, ClientEvent, Lease, LeaseEvent
from matching.reports.institution_flips import institution_flips
from matching.reports.period import Period, Reader
from tests.api.conftest import error_of


def _body(world, client, **overrides):
    body = {"client_id": client.id, "corporation_id": world.users["corporation"].organisation_id,
            "address": "Instellingslaan 4, Utrecht", "wijk": "Overvecht", "start": "2019-08-15"}
    body.update(overrides)
    return body


def test_the_care_provider_registers_a_flip_for_its_own_client(api, world, reference):
    client = world.client()
    response = api.post("/api/v1/leases/institution", _body(world, client), as_="care_provider")
    assert response.status_code == 201, response.get_json()
    shown = response.get_json()
    assert shown["client_id"] == client.id
    assert shown["corporation_id"] == world.users["corporation"].organisation_id
    assert shown["care_provider_id"] == client.care_provider_id
    assert (shown["type"], shown["state"], shown["is_institution"]) == ("flip", "transferred",
                                                                        True)
    assert (shown["start"], shown["transferred_on"]) == ("2019-08-15", "2019-08-15")
    assert (shown["address"], shown["wijk"]) == ("Instellingslaan 4, Utrecht", "Overvecht")
    assert shown["tenant_care_provider_id"] is None
    reference.expire_all()
    assert reference.get(Client, client.id).state == "housed"
    lease_events = reference.exec(select(LeaseEvent).where(LeaseEvent.lease_id == shown["id"]))
    assert [(e.trigger, e.to_state) for e in lease_events] == [
        ("create", "active"), ("transfer_in_place", "transferred")]
    last = reference.exec(select(ClientEvent).where(ClientEvent.client_id == client.id)
                          .order_by(ClientEvent.id.desc())).first()
    assert (last.trigger, last.to_state) == ("house_in_place", "housed")
    # It counts toward Lister's target of 2019 in the third quarter.
    rows = institution_flips(reference, Period("year", "2019", 2019, date(2019, 1, 1),
                                               date(2019, 12, 31)),
                             Reader("matcher", world.users["matcher"].organisation_id),
                             date(2019, 12, 31))
    lister = next(row for row in rows if row["care_provider"] == "Lister")
    assert lister["per_quarter"]["Q3"] == 1 and lister["year_to_date"] == 1


def test_the_agency_registers_for_any_provider_s_client(api, world):
    client = world.client(provider="other_care_provider")
    response = api.post("/api/v1/leases/institution", _body(world, client), as_="matcher")
    assert response.status_code == 201
    assert response.get_json()["care_provider_id"] == client.care_provider_id


def test_another_provider_s_client_is_not_found_and_other_roles_are_refused(api, world,
                                                                            reference):
    client = world.client(provider="other_care_provider")
    response = api.post("/api/v1/leases/institution", _body(world, client), as_="care_provider")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    for role in ("corporation", "analyst", "admin"):
        assert api.post("/api/v1/leases/institution", _body(world, client),
                        as_=role).status_code == 403, role
    missing = api.post("/api/v1/leases/institution", _body(world, client, client_id=999999),
                       as_="matcher")
    assert missing.status_code == 404
    assert reference.exec(select(Lease)).all() == []


def test_bad_fields_are_named_in_a_422_and_nothing_is_written(api, world, reference):
    client = world.client()
    cases = [
        ({"wijk": "Atlantis"}, "wijk"),
        ({"corporation_id": world.users["care_provider"].organisation_id}, "corporation_id"),
        ({"address": "   "}, "address"),
        ({"start": "15-08-2019"}, "start"),
        ({"start": "2019-01-01"}, "start"),  # before the client's registration (2019-06-01)
        ({"client_id": "seven"}, "client_id"),
        ({"extra": 1}, "extra"),
    ]
    for overrides, field in cases:
        response = api.post("/api/v1/leases/institution", _body(world, client, **overrides),
                            as_="care_provider")
        assert response.status_code == 422, (overrides, response.get_json())
        assert field in error_of(response)["fields"], (overrides, error_of(response))
    body = _body(world, client)
    del body["wijk"]
    response = api.post("/api/v1/leases/institution", body, as_="care_provider")
    assert response.status_code == 422 and "wijk" in error_of(response)["fields"]
    reference.expire_all()
    assert reference.exec(select(Lease)).all() == []
    assert reference.get(Client, client.id).state == "waiting"


def test_a_housed_client_or_one_in_a_round_cannot_be_registered(api, world, reference):
    client = world.client()
    assert api.post("/api/v1/leases/institution", _body(world, client),
                    as_="care_provider").status_code == 201
    again = api.post("/api/v1/leases/institution", _body(world, client), as_="care_provider")
    assert again.status_code == 409
    assert "housed" in error_of(again)["message"]
    _dwelling, matched = world.matched()
    in_round = api.post("/api/v1/leases/institution", _body(world, matched), as_="matcher")
    assert in_round.status_code == 409
    assert len(reference.exec(select(Lease)).all()) == 1


def test_the_same_idempotency_key_registers_once(api, world, reference):
    client = world.client()
    headers = {"Idempotency-Key": "flip-1"}
    first = api.post("/api/v1/leases/institution", _body(world, client), as_="care_provider",
                     headers=headers)
    second = api.post("/api/v1/leases/institution", _body(world, client), as_="care_provider",
                      headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["id"] == second.get_json()["id"]
    assert len(reference.exec(select(Lease)).all()) == 1


def test_the_api_document_lists_the_operation(api):
    document = api.get("/api/v1/openapi.json", as_=None).get_json()
    operation = document["paths"]["/api/v1/leases/institution"]["post"]
    assert "201" in operation["responses"]
