"""The client pages as care providers and the matcher use them."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from matching.models import AccessLog, Client
from matching.services.clients import approve_client, register_client
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.factories import ClientData
from tests.web.conftest import csrf_token
from tests.web.returning import returned


def _form(**changes):
    data = {
        "reference": "LIS-2019-001", "target_group": "mobw_uitstroom", "adults": "1",
        "children": "0", "birth_year": "1985", "annual_income": "16000",
        "needs": ["ground_floor"], "excluded_wijken": ["Overvecht"],
        "preferred_wijken": ["Zuid"], "flip_lease_ok": "y", "support_confirmed": "y",
        "registered_on": "2019-06-01",
    }
    data.update(changes)
    return data


@pytest.fixture
def own_client(reference: Session, users) -> Client:
    return register_client(reference, data=ClientData(reference="LIS-0001"),
                           actor=users["care_provider"])


@pytest.fixture
def waiting_client(reference: Session, users, own_client: Client) -> Client:
    approve_client(reference, client_id=own_client.id, actor=users["matcher"],
                   waiting_since=local_date(utcnow()) - timedelta(days=120))
    return own_client


def _reads(session: Session, client_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(AccessLog).where(AccessLog.client_id == client_id)
    ).one()


def _fresh(session: Session, client: Client) -> Client:
    session.expire_all()
    found = session.get(Client, client.id)
    assert found is not None
    return found


# --- the list ---------------------------------------------------------------------------------


def test_a_care_provider_sees_only_its_own_clients_in_the_list(reference, users, signed_in,
                                                               own_client):
    register_client(reference, data=ClientData(reference="TUS-0001"),
                    actor=users["other_care_provider"])
    page = signed_in("care_provider").get("/clienten").get_data(as_text=True)
    assert "LIS-0001" in page
    assert "TUS-0001" not in page
    assert "aangemeld" in page  # the state as a word, not only a colour


def test_the_matcher_sees_every_client_with_its_care_provider(reference, users, signed_in,
                                                              own_client):
    register_client(reference, data=ClientData(reference="TUS-0001"),
                    actor=users["other_care_provider"])
    page = signed_in("matcher").get("/clienten").get_data(as_text=True)
    assert "LIS-0001" in page and "TUS-0001" in page
    assert "Lister" in page and "De Tussenvoorziening" in page


def test_a_client_waiting_more_than_three_months_is_marked_in_words(signed_in, waiting_client):
    page = signed_in("care_provider").get("/clienten").get_data(as_text=True)
    assert "langer dan 3 maanden" in page
    assert "120 dagen" in page
    assert 'class="overdue"' in page


def test_every_client_shown_in_the_list_is_written_to_the_access_log(reference, signed_in,
                                                                     own_client):
    before = _reads(reference, own_client.id)
    signed_in("care_provider").get("/clienten")
    assert _reads(reference, own_client.id) == before + 1


def test_the_list_filters_on_state_group_and_reference(reference, users, signed_in,
                                                       waiting_client):
    register_client(reference, data=ClientData(reference="LIS-0002", target_group="statushouder"),
                    actor=users["care_provider"])
    browser = signed_in("care_provider")
    waiting = browser.get("/clienten?state=waiting").get_data(as_text=True)
    assert "LIS-0001" in waiting and "LIS-0002" not in waiting
    group = browser.get("/clienten?target_group=statushouder").get_data(as_text=True)
    assert "LIS-0002" in group and "LIS-0001" not in group
    found = browser.get("/clienten?reference=0002").get_data(as_text=True)
    assert "LIS-0002" in found and "LIS-0001" not in found
    assert browser.get("/clienten?state=nonsense&page=x").status_code == 200


def test_the_list_is_paginated(reference, users, signed_in):
    for number in range(3):
        register_client(reference, data=ClientData(reference=f"P-{number}"),
                        actor=users["care_provider"])
    page = signed_in("care_provider").get("/clienten?per_page=2").get_data(as_text=True)
    assert "Pagina 1 van 2" in page


@pytest.mark.parametrize("role", ["corporation", "analyst", "admin"])
def test_roles_without_clients_may_not_open_the_list(signed_in, role):
    assert signed_in(role).get("/clienten").status_code == 403


# --- registering and editing -------------------------------------------------------------------


def test_the_registration_form_carries_the_privacy_hint(signed_in):
    page = signed_in("care_provider").get("/clienten/nieuw").get_data(as_text=True)
    assert 'class="privacy-hint"' in page
    assert "geen namen, geen BSN en geen medische gegevens" in page


def test_registering_a_client_through_the_form_opens_its_page(reference, signed_in):
    browser = signed_in("care_provider")
    token = csrf_token(browser, "/clienten/nieuw")
    response = browser.post("/clienten/nieuw", data=_form(csrf_token=token))
    assert response.status_code == 302
    client = reference.exec(select(Client).where(Client.reference == "LIS-2019-001")).one()
    assert (client.needs, client.excluded_wijken, client.flip_lease_ok) == (
        ["ground_floor"], ["Overvecht"], True)
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "LIS-2019-001" in page and "is aangemeld" in page


def test_field_errors_are_shown_at_their_fields_in_dutch(reference, signed_in):
    browser = signed_in("care_provider")
    token = csrf_token(browser, "/clienten/nieuw")
    response = browser.post("/clienten/nieuw", data=_form(
        csrf_token=token, reference="Jan Jansen", adults="9", registered_on=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="reference-error"' in page and "zonder spaties" in page
    assert 'id="adults-error"' in page and "Kies 1 tot en met 6." in page
    assert 'id="registered_on-error"' in page
    assert reference.exec(select(func.count()).select_from(Client)).one() == 0


def test_a_reference_already_in_use_is_refused_at_the_reference_field(signed_in, own_client):
    browser = signed_in("care_provider")
    token = csrf_token(browser, "/clienten/nieuw")
    response = browser.post("/clienten/nieuw", data=_form(csrf_token=token, reference="LIS-0001"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="reference-error"' in page and "gebruikt deze referentie al" in page


def test_the_matcher_may_not_register_clients(signed_in):
    assert signed_in("matcher").get("/clienten/nieuw").status_code == 403


def test_editing_a_client_saves_the_new_details(reference, signed_in, own_client):
    browser = signed_in("care_provider")
    path = f"/clienten/{own_client.id}/wijzigen"
    page = browser.get(path).get_data(as_text=True)
    assert 'value="LIS-0001"' in page and 'class="privacy-hint"' in page
    response = browser.post(path, data=_form(csrf_token=csrf_token(browser, path),
                                             reference="LIS-0001", children="2"))
    assert response.status_code == 302
    assert _fresh(reference, own_client).children == 2


# --- the client page and its actions -------------------------------------------------------------


def test_reading_a_client_page_writes_an_access_log_row(reference, signed_in, own_client):
    before = _reads(reference, own_client.id)
    response = signed_in("care_provider").get(f"/clienten/{own_client.id}")
    assert response.status_code == 200
    assert _reads(reference, own_client.id) == before + 1
    purposes = reference.exec(select(AccessLog.purpose).where(
        AccessLog.client_id == own_client.id)).all()
    assert "client page" in purposes


def test_the_client_page_shows_history_and_waiting_time(signed_in, waiting_client):
    page = signed_in("care_provider").get(f"/clienten/{waiting_client.id}").get_data(as_text=True)
    assert "goedkeuren" in page  # the approval event in the history
    assert "langer dan 3 maanden" in page
    assert "Nog niet voorgesteld." in page


def test_another_care_providers_client_is_not_found(signed_in, own_client):
    browser = signed_in("other_care_provider")
    assert browser.get(f"/clienten/{own_client.id}").status_code == 404
    assert browser.get(f"/clienten/{own_client.id}/wijzigen").status_code == 404
    path = "/clienten"
    response = browser.post(f"/clienten/{own_client.id}/intrekken", data={
        "withdraw-csrf_token": csrf_token(browser, path), "withdraw-reason": "weg"})
    assert response.status_code == 404


def test_the_matcher_approves_a_referral_and_the_client_starts_waiting(reference, signed_in,
                                                                       own_client):
    browser = signed_in("matcher")
    path = f"/clienten/{own_client.id}"
    assert "Goedkeuren" in browser.get(path).get_data(as_text=True)
    response = browser.post(f"{path}/goedkeuren", data={
        "approve-csrf_token": csrf_token(browser, path), "approve-waiting_since": "2019-06-01"})
    assert response.status_code == 302
    client = _fresh(reference, own_client)
    assert (client.state, client.waiting_since) == ("waiting", date(2019, 6, 1))


def test_a_care_provider_may_not_approve_or_reinstate(signed_in, own_client):
    browser = signed_in("care_provider")
    path = f"/clienten/{own_client.id}"
    assert "Goedkeuren" not in browser.get(path).get_data(as_text=True)
    token = csrf_token(browser, path)
    assert browser.post(f"{path}/goedkeuren", data={"approve-csrf_token": token}).status_code == 403
    assert browser.post(f"{path}/herstellen", data={
        "reinstate-csrf_token": token, "reinstate-motivation": "x"}).status_code == 403


def test_hold_and_resume_move_the_client_out_of_and_back_into_the_queue(reference, signed_in,
                                                                        waiting_client):
    browser = signed_in("care_provider")
    path = f"/clienten/{waiting_client.id}"
    token = csrf_token(browser, path)
    response = browser.post(f"{path}/pauzeren", data={"hold-csrf_token": token,
                                                      "hold-reason": "opname"})
    assert response.status_code == 302
    assert _fresh(reference, waiting_client).state == "on_hold"
    assert "Hervatten" in browser.get(path).get_data(as_text=True)
    response = browser.post(f"{path}/hervatten", data={"resume-csrf_token": token})
    assert response.status_code == 302
    assert _fresh(reference, waiting_client).state == "waiting"


def test_withdrawing_needs_a_reason_shown_at_the_field(reference, signed_in, waiting_client):
    browser = signed_in("care_provider")
    path = f"/clienten/{waiting_client.id}"
    token = csrf_token(browser, path)
    response = browser.post(f"{path}/intrekken", data={"withdraw-csrf_token": token,
                                                       "withdraw-reason": ""})
    response = returned(browser, response, path)
    page = response.get_data(as_text=True)
    assert 'id="withdraw-reason-error"' in page and "Geef een reden op." in page
    assert _fresh(reference, waiting_client).state == "waiting"
    response = browser.post(f"{path}/intrekken", data={"withdraw-csrf_token": token,
                                                       "withdraw-reason": "verhuisd"})
    assert response.status_code == 302
    assert _fresh(reference, waiting_client).state == "withdrawn"


def test_an_action_the_state_does_not_allow_is_refused_with_a_message(reference, signed_in,
                                                                       own_client):
    browser = signed_in("care_provider")
    path = f"/clienten/{own_client.id}"
    response = browser.post(f"{path}/hervatten", data={
        "resume-csrf_token": csrf_token(browser, path)})
    assert response.status_code == 409
    assert "Dit kan nu niet" in response.get_data(as_text=True)
    assert _fresh(reference, own_client).state == "registered"


# --- CSRF -----------------------------------------------------------------------------------------


def test_every_post_without_csrf_token_is_refused_and_changes_nothing(reference, signed_in,
                                                                      waiting_client):
    matcher = signed_in("matcher")
    provider = signed_in("care_provider")
    base = f"/clienten/{waiting_client.id}"
    posts = [
        (provider, "/clienten/nieuw", _form(reference="NO-TOKEN")),
        (provider, f"{base}/wijzigen", _form(reference="CHANGED")),
        (matcher, f"{base}/goedkeuren", {}),
        (provider, f"{base}/pauzeren", {"hold-reason": "x"}),
        (provider, f"{base}/hervatten", {}),
        (provider, f"{base}/intrekken", {"withdraw-reason": "x"}),
        (matcher, f"{base}/herstellen", {"reinstate-motivation": "x"}),
    ]
    for browser, path, data in posts:
        response = browser.post(path, data=data)
        assert response.status_code == 400, path
    client = _fresh(reference, waiting_client)
    assert (client.reference, client.state) == ("LIS-0001", "waiting")
    assert reference.exec(select(func.count()).select_from(Client)).one() == 1


def test_a_client_on_an_open_round_cannot_be_edited_and_the_page_says_why(app, signed_in, users):
    from matching.services.clients import approve_client, register_client
    from matching.services.dwellings import create_dwelling, submit_dwelling
    from matching.services.proposals import propose_candidates
    from tests.factories import ClientData, DwellingData
    from tests.web.conftest import csrf_token

    with app.app_context():
        from matching.web import db_session

        session = db_session()
        client = register_client(session, data=ClientData(), actor=users["care_provider"])
        approve_client(session, client_id=client.id, actor=users["matcher"])
        dwelling = create_dwelling(session, data=DwellingData(), actor=users["corporation"])
        submit_dwelling(session, dwelling_id=dwelling.id, actor=users["corporation"])
        propose_candidates(session, dwelling_id=dwelling.id, client_ids=[client.id],
                           actor=users["matcher"], motivation="test")
        client_id = client.id
    browser = signed_in("care_provider")
    assert "Gegevens wijzigen" not in browser.get(f"/clienten/{client_id}").get_data(as_text=True)
    form = dict(ClientData(), csrf_token=csrf_token(browser, f"/clienten/{client_id}/wijzigen"))
    response = browser.post(f"/clienten/{client_id}/wijzigen", data=form, follow_redirects=True)
    assert response.status_code == 422
    assert "kunnen nu niet worden gewijzigd" in response.get_data(as_text=True)
