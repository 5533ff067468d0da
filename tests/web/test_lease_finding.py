"""Finding a lease: search by address or client reference, running leases first by their
next date, and the way from a let dwelling to its new lease."""

import re
from datetime import date

import pytest
from sqlmodel import Session, select

from matching.models import AccessLog, Client, Lease, User
from matching.services.leases import transfer_lease
from matching.services.timers import run_tick
from tests.web.test_leases import at, let_flip_lease


def _let(session: Session, users: dict[str, User], *, lease_type: str, start: date,
         address: str) -> Lease:
    """A Mitros dwelling at `address` let to a Lister client, through the whole workflow."""
    return let_flip_lease(session, users["corporation"], users["matcher"],
                          users["care_provider"], lease_type=lease_type, start=start,
                          address=address)


@pytest.fixture
def leases(reference: Session, users) -> dict[str, Lease]:
    """Four leases of Mitros to Lister clients: two flip, a campus and a direct one; the
    first flip lease has been transferred to its client."""
    made = {
        "transferred": _let(reference, users, lease_type="flip", start=date(2019, 9, 1),
                            address="Amsterdamsestraatweg 10, Utrecht"),
        "flip": _let(reference, users, lease_type="flip", start=date(2019, 10, 1),
                     address="Kanaalweg 5, Utrecht"),
        "campus": _let(reference, users, lease_type="campus", start=date(2019, 9, 1),
                       address="Biltstraat 7, Utrecht"),
        "direct": _let(reference, users, lease_type="direct", start=date(2019, 9, 1),
                       address="Oudegracht 100, Utrecht"),
    }
    run_tick(reference, now=at(2021, 6, 1))  # the flip reviews fall due
    transfer_lease(reference, lease_id=made["transferred"].id, on=date(2021, 9, 1),
                   actor=users["matcher"], now=at(2021, 8, 1))
    return made


def _listed(page: str) -> list[int]:
    """The lease ids in the list, top to bottom."""
    return [int(i) for i in re.findall(r'href="/huurcontracten/(\d+)"', page)]


def _reference_of(session: Session, lease: Lease) -> str:
    client = session.get(Client, lease.client_id)
    assert client is not None
    return client.reference


@pytest.mark.parametrize("role", ["corporation", "care_provider", "matcher"])
def test_running_leases_come_first_by_their_next_date(signed_in, leases, role):
    page = signed_in(role).get("/huurcontracten").get_data(as_text=True)
    # flip: review 1 October 2021; campus: ends after five years; direct: no date;
    # the transferred lease is no longer running here, so it comes last.
    assert _listed(page) == [leases[k].id for k in ("flip", "campus", "direct", "transferred")]


@pytest.mark.parametrize("role", ["corporation", "care_provider", "matcher"])
def test_the_list_finds_a_lease_by_part_of_its_address_in_any_case(signed_in, leases, role):
    page = signed_in(role).get("/huurcontracten?q=kanaalWEG").get_data(as_text=True)
    assert _listed(page) == [leases["flip"].id]


@pytest.mark.parametrize("role", ["care_provider", "matcher"])
def test_the_agency_and_the_clients_provider_find_a_lease_by_client_reference(
        reference, signed_in, leases, role):
    wanted = _reference_of(reference, leases["campus"])
    page = signed_in(role).get(f"/huurcontracten?q={wanted}").get_data(as_text=True)
    assert _listed(page) == [leases["campus"].id]
    assert 'value="' + wanted + '"' in page  # the search stays in its field


def test_a_landlord_cannot_find_a_lease_by_a_client_reference_it_was_never_shown(
        reference, signed_in, leases):
    wanted = _reference_of(reference, leases["campus"])
    page = signed_in("corporation").get(f"/huurcontracten?q={wanted}").get_data(as_text=True)
    assert _listed(page) == []
    assert "Geen huurcontracten gevonden" in page
    assert '<label class="utrecht-form-label" for="q">Adres</label>' in page


def test_a_search_by_reference_is_written_to_the_access_log(reference, users, signed_in,
                                                            leases):
    wanted = _reference_of(reference, leases["direct"])
    signed_in("matcher").get(f"/huurcontracten?q={wanted}")
    reference.expire_all()
    logged = reference.exec(select(AccessLog).where(
        AccessLog.client_id == leases["direct"].client_id, AccessLog.action == "search")).all()
    assert len(logged) == 1
    assert logged[0].user_id == users["matcher"].id


def test_search_combines_with_type_and_state(signed_in, leases):
    browser = signed_in("matcher")
    page = browser.get("/huurcontracten?q=Utrecht&lease_type=flip").get_data(as_text=True)
    assert _listed(page) == [leases["flip"].id, leases["transferred"].id]
    page = browser.get("/huurcontracten?q=Utrecht&state=transferred").get_data(as_text=True)
    assert _listed(page) == [leases["transferred"].id]


@pytest.mark.parametrize("text", ["%25", "_", "%25%00x", "a" * 500])
def test_wildcards_and_control_characters_match_literally_and_never_break_the_list(
        signed_in, leases, text):
    response = signed_in("matcher").get(f"/huurcontracten?q={text}")
    assert response.status_code == 200
    assert _listed(response.get_data(as_text=True)) == []


def test_a_search_of_nothing_but_control_characters_lists_everything(signed_in, leases):
    response = signed_in("matcher").get("/huurcontracten?q=%00%09")
    assert response.status_code == 200
    assert len(_listed(response.get_data(as_text=True))) == len(leases)


def test_after_letting_the_dwelling_page_links_to_the_new_lease(reference, signed_in, leases):
    lease = leases["direct"]
    page = signed_in("corporation").get(
        f"/corporatie/woningen/{lease.dwelling_id}").get_data(as_text=True)
    assert f'href="/huurcontracten/{lease.id}"' in page
