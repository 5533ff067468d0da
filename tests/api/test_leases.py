"""GET /leases, GET /leases/{id}, transfer (omklap), extend, end."""

from datetime import timedelta

import pytest
from sqlmodel import select

from matching.models import Lease, LeaseEvent
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.api.conftest import error_of


def test_the_parties_and_the_agency_list_a_lease_and_others_do_not(api, world):
    lease = world.lease()
    for role in ("corporation", "care_provider", "matcher"):
        listed = api.get("/api/v1/leases", as_=role).get_json()
        assert [item["id"] for item in listed["items"]] == [lease.id], role
    for role in ("other_corporation", "other_care_provider"):
        assert api.get("/api/v1/leases", as_=role).get_json()["total"] == 0
    assert api.get("/api/v1/leases", as_="analyst").status_code == 403


def test_leases_filter_by_type_and_state(api, world):
    flip = world.lease(due=True)
    direct = world.lease(lease_type="direct")
    due = api.get("/api/v1/leases?type=flip&state=review_due", as_="matcher").get_json()
    assert [item["id"] for item in due["items"]] == [flip.id]
    directs = api.get("/api/v1/leases?type=direct", as_="matcher").get_json()
    assert [item["id"] for item in directs["items"]] == [direct.id]
    bad = api.get("/api/v1/leases?type=rental", as_="matcher")
    assert bad.status_code == 422 and "type" in error_of(bad)["fields"]


def test_a_lease_shows_its_dates_type_state_and_history(api, world):
    lease = world.lease()
    response = api.get(f"/api/v1/leases/{lease.id}", as_="care_provider")
    assert response.status_code == 200
    shown = response.get_json()
    assert (shown["type"], shown["state"]) == ("flip", "active")
    assert shown["start"] == lease.start_on.isoformat()
    assert shown["review_on"] == lease.review_on.isoformat()
    assert shown["end_on"] is None
    assert [e["trigger"] for e in shown["history"]] == ["create"]


def test_another_organisation_s_lease_is_not_found(api, world):
    lease = world.lease()
    for role in ("other_corporation", "other_care_provider"):
        assert api.get(f"/api/v1/leases/{lease.id}", as_=role).status_code == 404
    assert api.post(f"/api/v1/leases/{lease.id}/transfer", {"on": "2021-10-01"},
                    as_="other_corporation").status_code == 404


def test_transferring_before_the_review_is_due_is_409(api, world):
    lease = world.lease()
    on = (lease.start_on + timedelta(days=400)).isoformat()
    response = api.post(f"/api/v1/leases/{lease.id}/transfer", {"on": on}, as_="corporation")
    assert response.status_code == 409
    error = error_of(response)
    assert error["state"] == "active"
    assert "transfer" not in error["allowed_triggers"]


def test_the_landlord_transfers_a_due_flip_lease_to_the_client(api, world):
    lease = world.lease(due=True)
    on = local_date(utcnow()).isoformat()
    response = api.post(f"/api/v1/leases/{lease.id}/transfer", {"on": on}, as_="corporation")
    assert response.status_code == 200
    transferred = response.get_json()
    assert (transferred["state"], transferred["allowed_triggers"]) == ("transferred", ["end"])
    assert (transferred["transferred_on"], transferred["tenant_care_provider_id"]) == (on, None)


def test_the_agency_may_transfer_too(api, world, reference, users):
    lease = world.lease(due=True)
    on = local_date(utcnow()).isoformat()
    response = api.post(f"/api/v1/leases/{lease.id}/transfer", {"on": on}, as_="matcher")
    assert response.status_code == 200
    assert (response.get_json()["state"], response.get_json()["transferred_on"]) == (
        "transferred", on)
    # Written, and in the matcher's name.
    reference.expire_all()
    assert reference.get(Lease, lease.id).state == "transferred"
    event = reference.exec(select(LeaseEvent).where(LeaseEvent.lease_id == lease.id,
                                                    LeaseEvent.trigger == "transfer")).one()
    assert (event.to_state, event.actor_user_id) == ("transferred", users["matcher"].id)


@pytest.mark.parametrize("role", ("care_provider", "analyst"))
def test_the_tenant_and_the_municipality_do_not_transfer(api, world, role):
    lease = world.lease(due=True)
    response = api.post(f"/api/v1/leases/{lease.id}/transfer", {"on": "2021-10-01"}, as_=role)
    assert response.status_code == 403


def test_a_transfer_date_must_be_a_date(api, world):
    lease = world.lease(due=True)
    response = api.post(f"/api/v1/leases/{lease.id}/transfer", {"on": "soon"},
                        as_="corporation")
    assert response.status_code == 422
    assert "on" in error_of(response)["fields"]
    response = api.post(f"/api/v1/leases/{lease.id}/transfer", {"on": "9999-12-31"},
                        as_="corporation")
    assert response.status_code == 422


def test_the_tenant_extends_a_due_review_with_a_reason(api, world):
    lease = world.lease(due=True)
    later = (lease.review_on + timedelta(days=180)).isoformat()
    missing = api.post(f"/api/v1/leases/{lease.id}/extend", {"review_on": later},
                       as_="care_provider")
    assert missing.status_code == 422 and "reason" in error_of(missing)["fields"]
    too_far = (lease.review_on + timedelta(days=500)).isoformat()
    far = api.post(f"/api/v1/leases/{lease.id}/extend",
                   {"review_on": too_far, "reason": "Nog niet klaar"}, as_="care_provider")
    assert far.status_code == 422 and "review_on" in error_of(far)["fields"]
    response = api.post(f"/api/v1/leases/{lease.id}/extend",
                        {"review_on": later, "reason": "Nog niet klaar"}, as_="care_provider")
    assert response.status_code == 200
    assert (response.get_json()["state"], response.get_json()["review_on"]) == (
        "extended", later)


@pytest.mark.parametrize("role", ("corporation", "matcher", "analyst"))
def test_only_the_tenant_care_provider_extends(api, world, role):
    lease = world.lease(due=True)
    later = (lease.review_on + timedelta(days=180)).isoformat()
    response = api.post(f"/api/v1/leases/{lease.id}/extend",
                        {"review_on": later, "reason": "x"}, as_=role)
    assert response.status_code == 403


def test_extending_an_active_lease_is_409(api, world):
    lease = world.lease()
    later = (lease.review_on + timedelta(days=30)).isoformat()
    response = api.post(f"/api/v1/leases/{lease.id}/extend",
                        {"review_on": later, "reason": "x"}, as_="care_provider")
    assert response.status_code == 409
    assert error_of(response)["state"] == "active"


def test_the_landlord_ends_a_lease_with_a_reason(api, world):
    lease = world.lease(lease_type="direct")
    today = local_date(utcnow()).isoformat()
    missing = api.post(f"/api/v1/leases/{lease.id}/end", {"on": today}, as_="corporation")
    assert missing.status_code == 422 and "reason" in error_of(missing)["fields"]
    response = api.post(f"/api/v1/leases/{lease.id}/end", {"on": today, "reason": "Opgezegd"},
                        as_="corporation")
    assert response.status_code == 200
    assert (response.get_json()["state"], response.get_json()["ended_on"]) == ("ended", today)
    again = api.post(f"/api/v1/leases/{lease.id}/end", {"on": today, "reason": "Opgezegd"},
                     as_="corporation")
    assert again.status_code == 409
    assert error_of(again)["state"] == "ended"


@pytest.mark.parametrize("role", ("matcher", "care_provider", "analyst"))
def test_only_the_landlord_ends_a_lease(api, world, role):
    lease = world.lease(lease_type="direct")
    response = api.post(f"/api/v1/leases/{lease.id}/end", {"on": "2030-01-01", "reason": "x"},
                        as_=role)
    assert response.status_code == 403
