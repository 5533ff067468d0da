"""The corporation's inbox of proposal rounds and the round page where it decides."""

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from matching.models import AccessLog, Candidate, Dwelling, Proposal
from matching.vocabulary import utcnow
from tests.corporation_data import Round, open_round
from tests.web.confirming import confirm, confirmation_text
from tests.web.conftest import csrf_token
from tests.web.returning import returned


def _parties(users, corporation="corporation"):  # type: ignore[no-untyped-def]
    return {"corporation": users[corporation], "provider": users["care_provider"],
            "matcher": users["matcher"]}


def _fresh(session: Session, model, object_id):  # type: ignore[no-untyped-def]
    session.rollback()
    session.expire_all()
    return session.get(model, object_id)


def _candidates(session: Session, proposal_id: int) -> list[Candidate]:
    session.rollback()
    session.expire_all()
    return list(session.exec(
        select(Candidate).where(Candidate.proposal_id == proposal_id)
        .order_by(Candidate.position)))


@pytest.fixture
def own_round(reference: Session, users) -> Round:
    return open_round(reference, **_parties(users), address="Kandidaatstraat 1, Utrecht",
                      client_data={"annual_income": 16321, "children": 2,
                                   "needs": ["ground_floor"]})


@pytest.fixture
def foreign_round(reference: Session, users) -> Round:
    return open_round(reference, **_parties(users, "other_corporation"),
                      address="Portaalweg 9, Utrecht")


def _decide(client, proposal_id: int, **data):  # type: ignore[no-untyped-def]
    """Post a decision, confirmed unless `bevestigd=None` asks for the confirmation page."""
    path = f"/corporatie/voorstellen/{proposal_id}"
    fields = {"bevestigd": "ja", **data, "csrf_token": csrf_token(client, path)}
    return client.post(f"{path}/besluit",
                       data={name: value for name, value in fields.items() if value is not None})


def test_the_accept_button_is_not_the_first_filled_button_and_says_it_asks_once_more(
    signed_in, own_round,
):
    page = signed_in("corporation").get(
        f"/corporatie/voorstellen/{own_round.proposal.id}").get_data(as_text=True)
    accept = page.index('value="accept"')
    assert "button--primary" not in page[:accept + 20].split("<main")[-1]
    assert "U bevestigt het accepteren op de volgende pagina." in page


def test_the_confirmation_without_csrf_token_is_refused_and_decides_nothing(
    reference, signed_in, own_round,
):
    browser = signed_in("corporation")
    response = browser.post(f"/corporatie/voorstellen/{own_round.proposal.id}/besluit", data={
        "client_id": str(own_round.clients[0].id), "decision": "accept", "bevestigd": "ja"})
    assert response.status_code == 400
    assert _fresh(reference, Proposal, own_round.proposal.id).state == "open"


# --- the inbox --------------------------------------------------------------------------------


def test_the_inbox_lists_only_own_open_rounds_with_their_deadline(signed_in, own_round,
                                                                  foreign_round):
    page = signed_in("corporation").get("/corporatie/voorstellen").get_data(as_text=True)
    assert "Kandidaatstraat 1, Utrecht" in page
    assert own_round.proposal.deadline.strftime("%d-%m-%Y") in page
    assert "Portaalweg 9" not in page
    assert "te laat" not in page.split("<tbody>")[1]


def test_a_round_past_its_deadline_is_marked_late_in_words(reference, users, signed_in):
    long_ago = utcnow() - timedelta(days=30)
    open_round(reference, **_parties(users), address="Laatstraat 3, Utrecht",
               proposed_at=long_ago)
    page = signed_in("corporation").get("/corporatie/voorstellen").get_data(as_text=True)
    row = page.split("Laatstraat 3, Utrecht")[1].split("</tr>")[0]
    assert '<strong class="late">te laat</strong>' in row


# --- the round page -----------------------------------------------------------------------------


def test_the_round_page_shows_only_what_the_decision_needs_and_logs_each_read(
    reference, signed_in, own_round
):
    response = signed_in("corporation").get(f"/corporatie/voorstellen/{own_round.proposal.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 volwassene, 2 kinderen" in page
    assert "onder de huurtoeslaggrens" in page
    assert "16321" not in page and "16.321" not in page  # never the exact income
    assert "Lister" in page and "begane grond" in page
    assert own_round.clients[0].reference not in page  # not even the pseudonym
    reference.rollback()
    logged = reference.exec(select(AccessLog.client_id).where(
        AccessLog.purpose == f"decision on proposal round {own_round.proposal.id}")).all()
    assert sorted(logged) == sorted(c.id for c in own_round.clients)


def test_accepting_a_candidate_closes_the_round_and_matches_the_dwelling(reference, signed_in,
                                                                         own_round):
    chosen, browser = own_round.clients[1], signed_in("corporation")
    asked = _decide(browser, own_round.proposal.id, client_id=chosen.id, decision="accept",
                    bevestigd=None)
    said = confirmation_text(asked)
    assert "Kandidaat 2 (" in said and "Kandidaatstraat 1, Utrecht" in said
    assert "De andere kandidaten (1) worden niet gekozen" in said
    assert f'href="/corporatie/voorstellen/{own_round.proposal.id}"' in asked.get_data(
        as_text=True)  # the way back
    assert _fresh(reference, Proposal, own_round.proposal.id).state == "open"
    response = confirm(browser, asked)
    assert response.status_code == 302
    assert _fresh(reference, Proposal, own_round.proposal.id).state == "accepted"
    dwelling = _fresh(reference, Dwelling, own_round.dwelling.id)
    assert (dwelling.state, dwelling.matched_client_id) == ("matched", chosen.id)
    assert [c.state for c in _candidates(reference, own_round.proposal.id)] == [
        "not_chosen", "accepted"]


def test_rejecting_with_a_reason_keeps_the_round_open_for_the_others(reference, signed_in,
                                                                     own_round):
    first = own_round.clients[0]
    client = signed_in("corporation")
    response = _decide(client, own_round.proposal.id, client_id=first.id, decision="reject",
                       **{f"k{first.id}-reason_code": "area_concentration",
                          f"k{first.id}-motivation": "Portiek is vol"})
    assert response.status_code == 302
    states = [(c.state, c.reason_code) for c in _candidates(reference, own_round.proposal.id)]
    assert states == [("rejected", "area_concentration"), ("pending", None)]
    page = client.get(f"/corporatie/voorstellen/{own_round.proposal.id}").get_data(as_text=True)
    assert "Portiek is vol" in page


def test_a_rejection_without_a_reason_is_shown_at_the_field(reference, signed_in, own_round):
    first = own_round.clients[0]
    browser = signed_in("corporation")
    response = _decide(browser, own_round.proposal.id, client_id=first.id, decision="reject",
                       **{f"k{first.id}-motivation": "Portiek is vol"})
    response = returned(browser, response, f"/corporatie/voorstellen/{own_round.proposal.id}")
    assert "Portiek is vol</textarea>" in response.get_data(as_text=True)  # the input kept
    assert f'href="#k{first.id}-reason_code"' in response.get_data(as_text=True)
    assert f'id="k{first.id}-reason_code-error">Dit veld is verplicht.' in response.get_data(
        as_text=True)
    assert [c.state for c in _candidates(reference, own_round.proposal.id)] == [
        "pending", "pending"]


def test_the_services_demand_for_a_motivation_is_shown_at_the_motivation_field(
    reference, signed_in, own_round
):
    first = own_round.clients[0]
    browser = signed_in("corporation")
    response = _decide(browser, own_round.proposal.id, client_id=first.id,
                       decision="reject", **{f"k{first.id}-reason_code": "other"})
    response = returned(browser, response, f"/corporatie/voorstellen/{own_round.proposal.id}")
    page = response.get_data(as_text=True)
    assert (f'id="k{first.id}-motivation-error">Bij deze reden is een toelichting verplicht.'
            in page)
    assert _candidates(reference, own_round.proposal.id)[0].state == "pending"


def test_deciding_on_a_closed_round_is_refused_with_a_message(reference, signed_in, own_round):
    client = signed_in("corporation")
    _decide(client, own_round.proposal.id, client_id=own_round.clients[0].id, decision="accept")
    response = _decide(client, own_round.proposal.id, client_id=own_round.clients[1].id,
                       decision="accept")
    assert response.status_code == 409
    assert "Dit kan nu niet" in response.get_data(as_text=True)
    assert [c.state for c in _candidates(reference, own_round.proposal.id)] == [
        "accepted", "not_chosen"]


# --- scope, roles and CSRF ----------------------------------------------------------------------


def test_another_corporations_round_answers_404_and_is_left_alone(reference, signed_in,
                                                                  foreign_round):
    client = signed_in("corporation")
    proposal_id = foreign_round.proposal.id
    assert client.get(f"/corporatie/voorstellen/{proposal_id}").status_code == 404
    token = csrf_token(client, "/corporatie/voorstellen")
    response = client.post(f"/corporatie/voorstellen/{proposal_id}/besluit", data={
        "csrf_token": token, "client_id": foreign_round.clients[0].id, "decision": "accept"})
    assert response.status_code == 404
    assert _fresh(reference, Proposal, proposal_id).state == "open"
    reference.rollback()
    assert reference.exec(select(func.count()).select_from(AccessLog).where(
        AccessLog.purpose.contains(str(proposal_id)))).one() == 0


@pytest.mark.parametrize("role", ["matcher", "care_provider"])
def test_other_roles_get_403_on_the_inbox_and_round_pages(signed_in, own_round, role):
    client = signed_in(role)
    assert client.get("/corporatie/voorstellen").status_code == 403
    assert client.get(f"/corporatie/voorstellen/{own_round.proposal.id}").status_code == 403


def test_a_decision_without_csrf_token_answers_400_and_changes_nothing(reference, signed_in,
                                                                       own_round):
    response = signed_in("corporation").post(
        f"/corporatie/voorstellen/{own_round.proposal.id}/besluit",
        data={"client_id": own_round.clients[0].id, "decision": "accept"})
    assert response.status_code == 400
    assert _fresh(reference, Proposal, own_round.proposal.id).state == "open"



def test_rejecting_asks_once_more_and_says_what_happens(reference, signed_in, own_round):
    first, second = own_round.clients
    browser = signed_in("corporation")
    asked = _decide(browser, own_round.proposal.id, client_id=first.id, decision="reject",
                    bevestigd=None, **{f"k{first.id}-reason_code": "area_concentration",
                                       f"k{first.id}-motivation": "Portiek is vol"})
    said = confirmation_text(asked)
    assert "Kandidaat 1 (" in said and "wordt afgewezen voor Kandidaatstraat 1, Utrecht" in said
    assert "Toelichting: Portiek is vol" in said and "terug naar de wachtrij" in said
    assert "Over de andere kandidaten (2) beslist u apart." in said
    assert [c.state for c in _candidates(reference, own_round.proposal.id)] == [
        "pending", "pending"]
    assert confirm(browser, asked).status_code == 302
    assert [c.state for c in _candidates(reference, own_round.proposal.id)] == [
        "rejected", "pending"]
    # the last candidate: the confirmation says the round closes without a match
    asked = _decide(browser, own_round.proposal.id, client_id=second.id, decision="reject",
                    bevestigd=None, **{f"k{second.id}-reason_code": "area_concentration"})
    assert "de ronde sluit zonder match" in confirmation_text(asked)
    assert _fresh(reference, Proposal, own_round.proposal.id).state == "open"
    assert confirm(browser, asked).status_code == 302
    assert _fresh(reference, Proposal, own_round.proposal.id).state == "rejected"


def test_a_rejection_missing_its_motivation_is_not_asked_but_shown_at_the_field(
    reference, signed_in, own_round
):
    first = own_round.clients[0]
    browser = signed_in("corporation")
    response = _decide(browser, own_round.proposal.id, client_id=first.id,
                       decision="reject", bevestigd=None, **{f"k{first.id}-reason_code": "other"})
    response = returned(browser, response, f"/corporatie/voorstellen/{own_round.proposal.id}")
    assert 'name="bevestigd"' not in response.get_data(as_text=True)
    assert f'id="k{first.id}-motivation-error"' in response.get_data(as_text=True)
    assert _candidates(reference, own_round.proposal.id)[0].state == "pending"
