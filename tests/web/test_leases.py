"""The lease pages as landlords, tenant care providers and the matcher use them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, func, select

from matching.models import Lease, LeaseTransferRequest, User
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.factories import ClientData, DwellingData
from tests.web.confirming import confirm, confirmation_text
from tests.web.conftest import csrf_token
from tests.web.returning import returned


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=UTC)


def let_flip_lease(session: Session, landlord: User, matcher: User, provider: User,
                   *, lease_type: str = "flip", start: date = date(2019, 9, 1),
                   address: str | None = None) -> Lease:
    """A dwelling of `landlord` let to a client of `provider`, through the whole workflow."""
    client = register_client(session, data=ClientData(), actor=provider, now=at(2019, 7, 1))
    approve_client(session, client_id=client.id, actor=matcher, now=at(2019, 7, 2))
    data = DwellingData(lease_type=lease_type, **({"address": address} if address else {}))
    dwelling = create_dwelling(session, data=data, actor=landlord, now=at(2019, 8, 1))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=landlord, now=at(2019, 8, 1))
    proposal = propose_candidates(session, dwelling_id=dwelling.id, client_ids=[client.id],
                                  actor=matcher, motivation="test", now=at(2019, 8, 2))
    decide_candidate(session, proposal_id=proposal.id, client_id=client.id, decision="accept",
                     actor=landlord, now=at(2019, 8, 5))
    record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted", actor=matcher,
                        now=at(2019, 8, 12))
    return let_dwelling(session, dwelling_id=dwelling.id, lease_start=start,
                        lease_type=lease_type, actor=landlord, now=at(2019, 8, 20))


@pytest.fixture
def lease(reference: Session, users) -> Lease:
    """Mitros lets to a Lister client as a flip lease; the review (1 September 2021) is due."""
    made = let_flip_lease(reference, users["corporation"], users["matcher"],
                          users["care_provider"])
    run_tick(reference, now=at(2021, 6, 1))
    return _fresh(reference, made)


def _fresh(session: Session, lease: Lease) -> Lease:
    session.expire_all()
    found = session.get(Lease, lease.id)
    assert found is not None
    return found


def _post(browser, lease: Lease, action: str, data: dict):
    path = f"/huurcontracten/{lease.id}"
    prefix = {"verlengen": "extend", "omklappen": "transfer", "beeindigen": "end",
              "omklap-aanvragen": "request"}[action]
    data = {f"{prefix}-{name}": value for name, value in data.items()}
    data[f"{prefix}-csrf_token"] = csrf_token(browser, "/huurcontracten")
    return browser.post(f"{path}/{action}", data=data)


def _soon() -> str:
    return (local_date(utcnow()) + timedelta(days=30)).isoformat()


# --- the list and the page ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["corporation", "care_provider", "matcher"])
def test_each_party_sees_the_lease_with_its_dates(signed_in, lease, role):
    browser = signed_in(role)
    listing = browser.get("/huurcontracten").get_data(as_text=True)
    assert "Teststraat" in listing and "omklapcontract" in listing
    assert "01-09-2021" in listing  # the review date
    page = browser.get(f"/huurcontracten/{lease.id}").get_data(as_text=True)
    assert "1 september 2019" in page and "1 september 2021" in page
    assert "evaluatie komt eraan" in page  # the history


def test_an_overdue_review_is_marked_in_words(signed_in, lease):
    listing = signed_in("corporation").get("/huurcontracten").get_data(as_text=True)
    assert "evaluatie te laat" in listing and 'class="overdue"' in listing


@pytest.mark.parametrize("role", ["other_corporation", "other_care_provider"])
def test_another_organisations_lease_is_not_found(signed_in, lease, role):
    browser = signed_in(role)
    assert "Teststraat" not in browser.get("/huurcontracten").get_data(as_text=True)
    assert browser.get(f"/huurcontracten/{lease.id}").status_code == 404


def test_another_care_provider_cannot_act_on_the_lease(reference, signed_in, lease):
    browser = signed_in("other_care_provider")
    response = _post(browser, lease, "verlengen", {"review_on": "2022-06-01", "reason": "x"})
    assert response.status_code == 404
    response = _post(browser, lease, "omklap-aanvragen", {"wished_on": _soon()})
    assert response.status_code == 404
    assert _fresh(reference, lease).state == "review_due"


def test_the_list_filters_on_type_and_state(reference, users, signed_in, lease):
    direct = let_flip_lease(reference, users["corporation"], users["matcher"],
                            users["care_provider"], lease_type="direct")
    browser = signed_in("corporation")
    flips = browser.get("/huurcontracten?lease_type=flip").get_data(as_text=True)
    assert f"/huurcontracten/{lease.id}\"" in flips
    assert f"/huurcontracten/{direct.id}\"" not in flips
    due = browser.get("/huurcontracten?state=review_due").get_data(as_text=True)
    assert f"/huurcontracten/{lease.id}\"" in due
    assert "Geen huurcontracten" in browser.get("/huurcontracten?state=ended").get_data(
        as_text=True)


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_roles_without_leases_may_not_open_the_list(signed_in, role):
    assert signed_in(role).get("/huurcontracten").status_code == 403


# --- extend ---------------------------------------------------------------------------------------


def test_the_tenant_extends_the_review_with_a_reason(reference, signed_in, lease):
    browser = signed_in("care_provider")
    assert "Evaluatie uitstellen" in browser.get(f"/huurcontracten/{lease.id}").get_data(
        as_text=True)
    response = _post(browser, lease, "verlengen", {"review_on": "2022-06-01",
                                                   "reason": "nog niet zelfstandig"})
    assert response.status_code == 302
    changed = _fresh(reference, lease)
    assert (changed.state, changed.review_on) == ("extended", date(2022, 6, 1))
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "nog niet zelfstandig" in page


def test_an_extension_beyond_twelve_months_is_refused_at_the_date_field(reference, signed_in,
                                                                       lease):
    browser = signed_in("care_provider")
    response = _post(browser, lease, "verlengen",
                     {"review_on": "2023-01-01", "reason": "nog niet klaar"})
    response = returned(browser, response, f"/huurcontracten/{lease.id}")
    page = response.get_data(as_text=True)
    assert 'id="extend-review_on-error"' in page and "uiterlijk 01-09-2022" in page
    assert _fresh(reference, lease).state == "review_due"


def test_an_extension_without_reason_is_refused_at_the_reason_field(reference, signed_in,
                                                                    lease):
    browser = signed_in("care_provider")
    response = _post(browser, lease, "verlengen", {"review_on": "2022-06-01", "reason": ""})
    page = returned(browser, response, f"/huurcontracten/{lease.id}").get_data(as_text=True)
    assert 'id="extend-reason-error"' in page
    assert 'value="2022-06-01"' in page  # the date typed is kept
    assert _fresh(reference, lease).state == "review_due"


# --- transfer, end, and who may do what -----------------------------------------------------------


@pytest.mark.parametrize("role", ["corporation", "matcher"])
def test_the_landlord_or_the_matcher_transfers_the_lease(reference, signed_in, lease, role):
    browser = signed_in(role)
    asked = _post(browser, lease, "omklappen", {"on": "2021-10-01"})
    said = confirmation_text(asked)
    assert "Vanaf 1 oktober 2021 is de cliënt zelf de huurder van Teststraat" in said
    assert "stapt uit het contract" in said
    assert f'href="/huurcontracten/{lease.id}"' in asked.get_data(as_text=True)  # the way back
    assert _fresh(reference, lease).state == "review_due"
    response = confirm(browser, asked)
    assert response.status_code == 302
    changed = _fresh(reference, lease)
    assert (changed.state, changed.transferred_on, changed.tenant_care_provider_id) == (
        "transferred", date(2021, 10, 1), None)


def test_the_landlord_ends_the_lease_with_date_and_reason(reference, signed_in, lease):
    browser = signed_in("corporation")
    response = _post(browser, lease, "beeindigen", {"on": "2021-12-31", "reason": ""})
    response = returned(browser, response, f"/huurcontracten/{lease.id}")
    assert 'id="end-reason-error"' in response.get_data(as_text=True)
    asked = _post(browser, lease, "beeindigen", {"on": "2021-12-31", "reason": "opgezegd"})
    said = confirmation_text(asked)
    assert "eindigt op 31 december 2021" in said and "Reden: opgezegd" in said
    assert _fresh(reference, lease).state == "review_due"
    response = confirm(browser, asked)
    assert response.status_code == 302
    assert _fresh(reference, lease).state == "ended"


def test_a_transfer_the_state_does_not_allow_is_refused_with_a_message(reference, users,
                                                                      signed_in):
    fresh = let_flip_lease(reference, users["corporation"], users["matcher"],
                           users["care_provider"])  # active: the review is not due yet
    response = _post(signed_in("corporation"), fresh, "omklappen", {"on": "2021-10-01"})
    assert response.status_code == 409
    assert "Dit kan nu niet" in response.get_data(as_text=True)
    assert _fresh(reference, fresh).state == "active"


@pytest.mark.parametrize(("role", "action", "data"), [
    ("corporation", "verlengen", {"review_on": "2022-06-01", "reason": "x"}),
    ("matcher", "verlengen", {"review_on": "2022-06-01", "reason": "x"}),
    ("care_provider", "omklappen", {"on": "2021-10-01"}),
    ("care_provider", "beeindigen", {"on": "2021-10-01", "reason": "x"}),
    ("matcher", "beeindigen", {"on": "2021-10-01", "reason": "x"}),
    ("corporation", "omklap-aanvragen", {"wished_on": "2030-01-01"}),
])
def test_roles_that_may_not_act_are_refused(reference, signed_in, lease, role, action, data):
    assert _post(signed_in(role), lease, action, data).status_code == 403
    assert _fresh(reference, lease).state == "review_due"


def test_the_page_offers_only_the_actions_of_the_users_part(signed_in, lease):
    path = f"/huurcontracten/{lease.id}"
    provider = signed_in("care_provider").get(path).get_data(as_text=True)
    landlord = signed_in("corporation").get(path).get_data(as_text=True)
    assert "Evaluatie uitstellen" in provider and "Contract omklappen" not in provider
    assert "Contract omklappen" in landlord and "Contract beëindigen" in landlord
    assert "Evaluatie uitstellen" not in landlord and "Omklap aanvragen" not in landlord


# --- asking for the transfer ---------------------------------------------------------------------


def test_the_tenant_asks_for_the_transfer_and_the_landlord_sees_it(reference, signed_in, lease):
    wished = _soon()
    response = _post(signed_in("care_provider"), lease, "omklap-aanvragen",
                     {"wished_on": wished, "note": "klaar voor eigen huurcontract"})
    assert response.status_code == 302
    assert _fresh(reference, lease).state == "review_due"  # asking changes nothing yet
    shown = date.fromisoformat(wished).strftime("%d-%m-%Y")
    landlord = signed_in("corporation")
    assert f"omklap aangevraagd per {shown}" in landlord.get("/huurcontracten").get_data(
        as_text=True)
    page = landlord.get(f"/huurcontracten/{lease.id}").get_data(as_text=True)
    assert "vraagt de omklap aan" in page and "klaar voor eigen huurcontract" in page


def test_a_second_transfer_request_is_refused_while_one_is_open(reference, signed_in, lease):
    browser = signed_in("care_provider")
    assert _post(browser, lease, "omklap-aanvragen", {"wished_on": _soon()}).status_code == 302
    assert "Omklap aanvragen" not in browser.get(f"/huurcontracten/{lease.id}").get_data(
        as_text=True)
    response = _post(browser, lease, "omklap-aanvragen", {"wished_on": _soon()})
    response = returned(browser, response, f"/huurcontracten/{lease.id}", summary=False)
    assert "er loopt al een aanvraag" in response.get_data(as_text=True)
    count = reference.exec(select(func.count()).select_from(LeaseTransferRequest)).one()
    assert count == 1


def test_a_wished_date_in_the_past_is_refused_at_its_field(signed_in, lease):
    browser = signed_in("care_provider")
    response = _post(browser, lease, "omklap-aanvragen", {"wished_on": "2020-01-01"})
    response = returned(browser, response, f"/huurcontracten/{lease.id}")
    assert 'id="request-wished_on-error"' in response.get_data(as_text=True)


# --- CSRF -----------------------------------------------------------------------------------------


def test_every_post_without_csrf_token_is_refused_and_changes_nothing(reference, signed_in,
                                                                      lease):
    provider, landlord = signed_in("care_provider"), signed_in("corporation")
    base = f"/huurcontracten/{lease.id}"
    posts = [
        (provider, "verlengen", {"extend-review_on": "2022-06-01", "extend-reason": "x"}),
        (provider, "omklap-aanvragen", {"request-wished_on": _soon()}),
        (landlord, "omklappen", {"transfer-on": "2021-10-01"}),
        (landlord, "beeindigen", {"end-on": "2021-10-01", "end-reason": "x"}),
    ]
    for browser, action, data in posts:
        assert browser.post(f"{base}/{action}", data=data).status_code == 400, action
    changed = _fresh(reference, lease)
    assert (changed.state, changed.review_on) == ("review_due", date(2021, 9, 1))
    assert reference.exec(select(func.count()).select_from(LeaseTransferRequest)).one() == 0
