"""A refused form that posts to a separate action address goes back to its own page (GOV.UK):
the address is the page's, the error summary links to the field, the input is kept, and only
once. One test per kind of such form: a lease action, a round's rejection, a dwelling action,
a client action, a proposal of candidates, a contingent's edit."""

import re

from sqlmodel import Session, select

from matching.models import Client, Contingent, Dwelling, Lease, Organisation, Proposal
from matching.services.clients import register_client
from matching.services.dwellings import create_dwelling
from matching.services.timers import run_tick
from matching.web.form_return import MAX_CARRIED
from tests.corporation_data import open_round
from tests.factories import ClientData, DwellingData
from tests.matcher_setup import submitted_dwelling, waiting_clients
from tests.web.conftest import csrf_token
from tests.web.returning import returned
from tests.web.test_leases import at, let_flip_lease


def test_a_refused_lease_action_returns_to_the_lease_page_with_its_input_once(
    reference: Session, users, signed_in,
):
    made = let_flip_lease(reference, users["corporation"], users["matcher"],
                          users["care_provider"])
    run_tick(reference, now=at(2021, 6, 1))  # the review is due: the tenant may extend it
    browser = signed_in("care_provider")
    page = f"/huurcontracten/{made.id}"
    response = browser.post(f"{page}/verlengen", data={
        "extend-review_on": "2022-06-01", "extend-reason": "",
        "extend-csrf_token": csrf_token(browser, page)})
    shown = returned(browser, response, page).get_data(as_text=True)
    assert '<a href="#extend-reason">' in shown  # the summary links to the field
    assert 'id="extend-reason-error"' in shown
    assert 'value="2022-06-01"' in shown  # what was typed is still there
    again = browser.get(page).get_data(as_text=True)  # a reload: the form is clean again
    assert 'id="extend-reason-error"' not in again and 'value="2022-06-01"' not in again
    reference.expire_all()
    assert reference.get(Lease, made.id).state == "review_due"


def test_a_refused_rejection_returns_to_the_round_page_at_that_candidates_form(
    reference: Session, users, signed_in,
):
    made = open_round(reference, corporation=users["corporation"],
                      provider=users["care_provider"], matcher=users["matcher"], count=2)
    first, second = made.clients
    browser = signed_in("corporation")
    page = f"/corporatie/voorstellen/{made.proposal.id}"
    response = browser.post(f"{page}/besluit", data={
        "client_id": str(second.id), "decision": "reject", f"k{second.id}-reason_code": "",
        f"k{second.id}-motivation": "Te weinig licht", "csrf_token": csrf_token(browser, page)})
    shown = returned(browser, response, page).get_data(as_text=True)
    assert f'<a href="#k{second.id}-reason_code">' in shown
    assert f'id="k{second.id}-reason_code-error"' in shown
    assert f'id="k{first.id}-reason_code-error"' not in shown  # only that candidate's form
    assert "Te weinig licht</textarea>" in shown
    assert "Te weinig licht" not in browser.get(page).get_data(as_text=True)


def test_a_refused_dwelling_action_returns_to_the_dwelling_page_not_another(
    reference: Session, users, signed_in,
):
    one = create_dwelling(reference, data=DwellingData(), actor=users["corporation"])
    other = create_dwelling(reference, data=DwellingData(), actor=users["corporation"])
    browser = signed_in("corporation")
    page = f"/corporatie/woningen/{one.id}"
    response = browser.post(f"{page}/intrekken", data={
        "reason": "", "csrf_token": csrf_token(browser, page)})
    shown = returned(browser, response, page).get_data(as_text=True)
    assert '<a href="#reason">' in shown and 'id="reason-error"' in shown
    # Another dwelling's page never picks up the refused form.
    assert 'id="reason-error"' not in browser.get(
        f"/corporatie/woningen/{other.id}").get_data(as_text=True)
    reference.expire_all()
    assert reference.get(Dwelling, one.id).state == "draft"


def test_input_too_long_for_the_session_is_shown_at_the_action_address_kept(
    reference: Session, users, signed_in,
):
    one = create_dwelling(reference, data=DwellingData(), actor=users["corporation"])
    browser = signed_in("corporation")
    page = f"/corporatie/woningen/{one.id}"
    long_reason = "lang " * (MAX_CARRIED // 4)  # refused for its length (at most 500)
    response = browser.post(f"{page}/intrekken", data={
        "reason": long_reason, "csrf_token": csrf_token(browser, page)})
    assert response.status_code == 422
    shown = response.get_data(as_text=True)
    assert 'id="reason-error"' in shown and long_reason.strip() in shown


def test_a_refused_client_action_returns_to_the_client_page_with_the_date_typed(
    reference: Session, users, signed_in,
):
    referral = register_client(reference, data=ClientData(), actor=users["care_provider"])
    browser = signed_in("matcher")
    page = f"/clienten/{referral.id}"
    response = browser.post(f"{page}/goedkeuren", data={
        "approve-waiting_since": "2999-01-01", "approve-csrf_token": csrf_token(browser, page)})
    shown = returned(browser, response, page).get_data(as_text=True)
    assert '<a href="#approve-waiting_since">' in shown
    assert 'value="2999-01-01"' in shown
    reference.expire_all()
    assert reference.get(Client, referral.id).state == "registered"


def test_kept_input_is_dropped_when_the_user_opens_another_page_first(
    reference: Session, users, signed_in,
):
    made = let_flip_lease(reference, users["corporation"], users["matcher"],
                          users["care_provider"])
    run_tick(reference, now=at(2021, 6, 1))
    browser = signed_in("care_provider")
    page = f"/huurcontracten/{made.id}"
    refused = browser.post(f"{page}/verlengen", data={  # no date: refused
        "extend-review_on": "", "extend-reason": "vrije tekst die niet meereist",
        "extend-csrf_token": csrf_token(browser, page)})
    assert refused.status_code == 303
    with browser.session_transaction() as kept:
        assert "vrije tekst die niet meereist" in str(dict(kept))
    assert browser.get("/huurcontracten").status_code == 200  # elsewhere first
    with browser.session_transaction() as kept:
        assert "vrije tekst die niet meereist" not in str(dict(kept))
    back = browser.get(page).get_data(as_text=True)
    assert 'id="extend-review_on-error"' not in back
    assert "vrije tekst die niet meereist" not in back


def _input(page: str, name: str) -> str:
    """The <input> element named `name` on the page."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


def test_a_refused_proposal_returns_to_the_dwelling_page_with_the_ticks_and_text_kept(
    reference: Session, users, signed_in,
):
    clients = waiting_clients(reference, users["care_provider"], users["matcher"], 4)
    dwelling = submitted_dwelling(reference, users["corporation"])
    browser = signed_in("matcher")
    page = f"/matcher/woningen/{dwelling.id}"
    longer = browser.get(f"{page}?meer=1").get_data(as_text=True)
    fourth, third = clients[3], clients[2]
    assert f'value="{fourth.id}"' in longer  # beyond the top 3: on the longer list only
    # Others than the top suggestions without a motivation: refused.
    response = browser.post(f"{page}/voorstellen", data={
        "client_ids": [str(fourth.id)], "other_ids": f"#{third.id}", "motivation": "",
        "meer": "1", "csrf_token": csrf_token(browser, page)})
    assert "meer=1" in response.location  # back to the list the choice was made in
    shown = returned(browser, response, page).get_data(as_text=True)
    assert '<a href="#motivation">' in shown and 'id="motivation-error"' in shown
    ticked = re.search(rf'<input[^>]*name="client_ids" value="{fourth.id}"[^>]*>', shown)
    assert ticked and "checked" in ticked.group(0)  # the tick is kept
    assert f'value="#{third.id}"' in _input(shown, "other_ids")  # and the number typed
    reference.expire_all()
    assert reference.exec(select(Proposal).where(Proposal.dwelling_id == dwelling.id)).all() == []
    again = browser.get(page).get_data(as_text=True)  # once only
    assert 'id="motivation-error"' not in again


def test_a_refused_contingent_edit_returns_to_the_contingents_page_with_its_input(
    reference: Session, users, signed_in,
):
    manager = users["matcher"]
    manager.contingent_manager = True
    reference.add(manager)
    reference.commit()
    lister = reference.exec(select(Organisation).where(Organisation.name == "Lister")).one()
    browser = signed_in("matcher")
    page = "/contingenten"
    response = browser.post(f"{page}/wijzigen", data={
        "jaar": "2026", "care_provider_id": str(lister.id), "contingent": "37", "reason": " ",
        "csrf_token": csrf_token(browser, f"{page}?jaar=2026")})
    assert "jaar=2026" in response.location  # the year the form was about
    shown = returned(browser, response, page).get_data(as_text=True)
    assert '<a href="#reason">' in shown and 'id="reason-error"' in shown
    assert 'value="37"' in _input(shown, "contingent")
    chosen = re.search(rf'<option[^>]*value="{lister.id}"[^>]*>', shown)
    assert chosen and "selected" in chosen.group(0)
    reference.expire_all()
    assert reference.get(Contingent, (2026, lister.id)) is None
