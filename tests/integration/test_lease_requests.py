"""The tenant care provider's request for the omklap: it asks, it never moves the lease."""

from datetime import date

import pytest
from sqlmodel import Session

from matching.models import Lease
from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.lease_requests import open_transfer_requests, request_lease_transfer
from matching.services.leases import transfer_lease
from matching.services.timers import run_tick
from tests.factories import make_user
from tests.web.test_leases import at, let_flip_lease


@pytest.fixture
def parties(reference: Session) -> dict:
    return {
        "landlord": make_user(reference, "Mitros", "corporation"),
        "matcher": make_user(reference, "Het Vierde Huis", "matcher"),
        "tenant": make_user(reference, "Lister", "care_provider"),
        "stranger": make_user(reference, "De Tussenvoorziening", "care_provider"),
    }


@pytest.fixture
def lease(reference: Session, parties: dict) -> Lease:
    return let_flip_lease(reference, parties["landlord"], parties["matcher"], parties["tenant"])


def test_asking_for_the_transfer_leaves_the_lease_as_it_is(reference, parties, lease):
    request = request_lease_transfer(reference, lease_id=lease.id, wished_on=date(2021, 10, 1),
                                     note=" klaar ", actor=parties["tenant"],
                                     now=at(2021, 6, 15))
    assert (request.note, request.care_provider_id) == ("klaar", lease.tenant_care_provider_id)
    assert reference.get(Lease, lease.id).state == "active"
    assert open_transfer_requests(reference, [lease.id])[lease.id].id == request.id


def test_a_request_closes_by_itself_once_the_lease_is_transferred(reference, parties, lease):
    request_lease_transfer(reference, lease_id=lease.id, wished_on=date(2021, 10, 1),
                           actor=parties["tenant"], now=at(2021, 6, 15))
    run_tick(reference, now=at(2021, 6, 16))
    transfer_lease(reference, lease_id=lease.id, on=date(2021, 10, 1),
                   actor=parties["landlord"], now=at(2021, 9, 1))
    assert open_transfer_requests(reference, [lease.id]) == {}
    with pytest.raises(PermissionDenied):  # Lister is no longer the tenant
        request_lease_transfer(reference, lease_id=lease.id, wished_on=date(2021, 11, 1),
                               actor=parties["tenant"], now=at(2021, 10, 2))


def test_only_the_tenant_care_provider_may_ask(reference, parties, lease):
    with pytest.raises(NotFound):
        request_lease_transfer(reference, lease_id=lease.id, wished_on=date(2021, 10, 1),
                               actor=parties["stranger"], now=at(2021, 6, 15))
    with pytest.raises(PermissionDenied):
        request_lease_transfer(reference, lease_id=lease.id, wished_on=date(2021, 10, 1),
                               actor=parties["landlord"], now=at(2021, 6, 15))


def test_a_second_request_and_a_date_in_the_past_are_refused(reference, parties, lease):
    with pytest.raises(ValidationFailed) as past:
        request_lease_transfer(reference, lease_id=lease.id, wished_on=date(2021, 6, 1),
                               actor=parties["tenant"], now=at(2021, 6, 15))
    assert set(past.value.fields) == {"wished_on"}
    request_lease_transfer(reference, lease_id=lease.id, wished_on=date(2021, 10, 1),
                           actor=parties["tenant"], now=at(2021, 6, 15))
    with pytest.raises(ValidationFailed) as twice:
        request_lease_transfer(reference, lease_id=lease.id, wished_on=date(2021, 11, 1),
                               actor=parties["tenant"], now=at(2021, 6, 16))
    assert set(twice.value.fields) == {"lease"}


def test_a_note_with_a_nul_character_is_refused_and_nothing_is_asked(reference, parties, lease):
    with pytest.raises(ValidationFailed) as caught:
        request_lease_transfer(reference, lease_id=lease.id, wished_on=date(2021, 10, 1),
                               note="klaar\x00", actor=parties["tenant"], now=at(2021, 6, 15))
    assert set(caught.value.fields) == {"note"}
    assert open_transfer_requests(reference, [lease.id]) == {}
