"""The corporation's dwelling pages: the quarter, the list, the form, one dwelling, its actions."""

import re
from datetime import date

import pytest
from sqlmodel import Session, func, select

from matching.models import Dwelling, Lease
from matching.quarters import quarter_of
from matching.services.dwellings import create_dwelling, submit_dwelling
from matching.services.planning import quarter_quotas
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.corporation_data import offer_accepted, open_round
from tests.factories import DwellingData
from tests.web.confirming import confirm, confirmation_text
from tests.web.conftest import csrf_token
from tests.web.returning import returned


def _form(**changes):
    data = {
        "address": "Kanaalstraat 12, Utrecht", "postcode": "3531 ab", "wijk": "West",
        "complex_code": "", "rooms": "2", "floor_area_m2": "48", "rent": "560,50",
        "floor": "1", "has_lift": "y", "designation": "uitstroom", "lease_type": "direct",
        "available_from": "2026-01-13",
    }
    data.update(changes)
    return data


def _fresh(session: Session, dwelling_id: int) -> Dwelling:
    # Read what the web request committed, not what this session holds.
    session.rollback()
    session.expire_all()
    found = session.get(Dwelling, dwelling_id)
    assert found is not None
    return found


def _count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    session.rollback()
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def draft(reference: Session, users) -> Dwelling:
    return create_dwelling(reference, data=DwellingData(), actor=users["corporation"])


@pytest.fixture
def foreign(reference: Session, users) -> Dwelling:
    """A draft of another corporation (Portaal)."""
    return create_dwelling(reference, data=DwellingData(), actor=users["other_corporation"])


def _parties(users):  # type: ignore[no-untyped-def]
    return {"corporation": users["corporation"], "provider": users["care_provider"],
            "matcher": users["matcher"]}


# --- the quarter page ---------------------------------------------------------------------------


def test_the_quarter_page_shows_this_quarter_with_links_to_the_neighbours(signed_in):
    page = signed_in("corporation").get("/corporatie/kwartaal").get_data(as_text=True)
    current = quarter_of(local_date(utcnow()))
    year, number = current.split("Q")
    assert f"Kwartaal K{number} {year}" in page
    assert "Vorig kwartaal" in page and "Volgend kwartaal" in page


def test_the_quarter_page_shows_the_own_quota_submitted_and_backlog(reference, users,
                                                                     signed_in):
    expected = next(r for r in quarter_quotas(reference, "2019Q3")
                    if r.corporation_id == users["corporation"].organisation_id)
    response = signed_in("corporation").get("/corporatie/kwartaal?kwartaal=2019Q3")
    page = response.get_data(as_text=True)
    assert "Kwartaal K3 2019" in page
    assert f'<span class="figure__value">{expected.quota}</span>' in page
    assert f'<span class="figure__value">{expected.instroom_quota}</span>' in page
    assert "achterstand uit eerdere kwartalen" in page
    assert "?kwartaal=2019Q2" in page and "?kwartaal=2019Q4" in page
    assert "Portaal" not in page  # only the own row


def test_the_quarter_page_lists_what_is_due(reference, users, signed_in, draft):
    due_round = open_round(reference, **_parties(users), address="Rondeweg 1, Utrecht")
    offer_accepted(reference, **_parties(users), address="Sleutelstraat 2, Utrecht")
    page = signed_in("corporation").get("/corporatie/kwartaal").get_data(as_text=True)
    assert draft.address in page
    assert "Rondeweg 1, Utrecht" in page
    assert f"/corporatie/voorstellen/{due_round.proposal.id}" in page
    assert "Sleutelstraat 2, Utrecht" in page and "nog te verhuren" in page


def test_a_wrong_quarter_falls_back_to_this_quarter_with_a_message(signed_in):
    response = signed_in("corporation").get("/corporatie/kwartaal?kwartaal=2019Q9")
    assert response.status_code == 200
    assert "is geen kwartaal" in response.get_data(as_text=True)
    assert re.search(r"hieronder staat K[1-4] \d{4}\.", response.get_data(as_text=True))


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_only_own_dwellings_filtered_by_state(reference, users, signed_in, draft,
                                                             foreign):
    other = create_dwelling(reference, data=DwellingData(address="Voorgedragen 1, Utrecht"),
                            actor=users["corporation"])
    submit_dwelling(reference, dwelling_id=other.id, actor=users["corporation"])
    client = signed_in("corporation")
    page = client.get("/corporatie/woningen").get_data(as_text=True)
    assert draft.address in page and other.address in page
    assert foreign.address not in page
    drafts = client.get("/corporatie/woningen?status=draft").get_data(as_text=True)
    assert draft.address in drafts and other.address not in drafts
    by_quarter = client.get(f"/corporatie/woningen?kwartaal={other.quarter}").get_data(
        as_text=True)
    assert other.address in by_quarter and draft.address not in by_quarter


def test_the_list_is_paginated_and_sorted_across_pages(reference, users, signed_in):
    for rent in ("700.00", "500.00", "600.00"):
        create_dwelling(reference, data=DwellingData(rent=rent, address=f"Huur {rent[:3]}"),
                        actor=users["corporation"])
    client = signed_in("corporation")
    first = client.get("/corporatie/woningen?sorteer=huur&per_page=2").get_data(as_text=True)
    assert "Huur 500" in first and "Huur 600" in first and "Huur 700" not in first
    assert "Pagina 1 van 2" in first
    second = client.get("/corporatie/woningen?sorteer=huur&per_page=2&page=2").get_data(
        as_text=True)
    assert "Huur 700" in second


# --- the form ---------------------------------------------------------------------------------


def test_a_dwelling_created_through_the_form_is_a_draft_with_dutch_amounts(reference, signed_in):
    client = signed_in("corporation")
    token = csrf_token(client, "/corporatie/woningen/nieuw")
    response = client.post("/corporatie/woningen/nieuw", data={**_form(), "csrf_token": token})
    assert response.status_code == 302
    dwelling_id = int(response.headers["Location"].rsplit("/", 1)[1])
    dwelling = _fresh(reference, dwelling_id)
    assert (dwelling.state, dwelling.postcode, str(dwelling.rent)) == ("draft", "3531AB", "560.50")
    assert dwelling.has_lift is True and dwelling.available_from == date(2026, 1, 13)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "€ 560,50" in page.replace("\xa0", " ")


def test_form_errors_are_shown_in_dutch_at_their_fields_and_nothing_is_saved(reference,
                                                                             signed_in):
    client = signed_in("corporation")
    token = csrf_token(client, "/corporatie/woningen/nieuw")
    response = client.post("/corporatie/woningen/nieuw", data={
        **_form(address="", rooms="0", postcode="12345", rent="veel"), "csrf_token": token})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="address-error">Dit veld is verplicht.' in page
    assert 'id="rooms-error">Kies een waarde van 1 tot en met 12.' in page
    assert 'id="postcode-error">Vul een postcode in zoals 3531 AB.' in page
    assert 'id="rent-error">Vul een bedrag in, bijvoorbeeld 560,00.' in page
    assert 'aria-invalid="true"' in page
    assert _count(reference, Dwelling) == 0


def test_a_draft_can_be_edited_but_a_submitted_dwelling_cannot(reference, users, signed_in,
                                                               draft):
    client = signed_in("corporation")
    path = f"/corporatie/woningen/{draft.id}/bewerken"
    assert draft.address in client.get(path).get_data(as_text=True)
    token = csrf_token(client, path)
    response = client.post(path, data={**_form(rooms="3"), "csrf_token": token})
    assert response.status_code == 302
    assert _fresh(reference, draft.id).rooms == 3
    submit_dwelling(reference, dwelling_id=draft.id, actor=users["corporation"])
    response = client.get(path, follow_redirects=True)
    assert "Alleen een concept kan worden gewijzigd." in response.get_data(as_text=True)


# --- one dwelling and its actions ---------------------------------------------------------------


def test_the_dwelling_page_shows_facts_history_and_the_actions_allowed_now(signed_in, draft):
    page = signed_in("corporation").get(f"/corporatie/woningen/{draft.id}").get_data(
        as_text=True)
    assert draft.address in page and "Overvecht" in page
    assert "Voordragen aan Het Vierde Huis" in page and "Woning intrekken" in page
    assert "Woning verhuren" not in page
    assert "aangemaakt" in page  # the history


def test_submitting_a_draft_counts_it_for_this_quarter(reference, signed_in, draft):
    client = signed_in("corporation")
    path = f"/corporatie/woningen/{draft.id}"
    response = client.post(f"{path}/voordragen", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    dwelling = _fresh(reference, draft.id)
    assert (dwelling.state, dwelling.quarter) == ("submitted", quarter_of(local_date(utcnow())))
    again = client.post(f"{path}/voordragen", data={"csrf_token": csrf_token(client, path)})
    assert again.status_code == 409
    assert "Dit kan nu niet" in again.get_data(as_text=True)


def test_withdrawing_needs_a_reason_shown_at_the_field(reference, signed_in, draft):
    client = signed_in("corporation")
    path = f"/corporatie/woningen/{draft.id}"
    token = csrf_token(client, path)
    response = client.post(f"{path}/intrekken", data={"csrf_token": token, "reason": ""})
    response = returned(client, response, path)
    assert 'id="reason-error">Dit veld is verplicht.' in response.get_data(as_text=True)
    assert _fresh(reference, draft.id).state == "draft"
    response = client.post(f"{path}/intrekken",
                           data={"csrf_token": token, "reason": "Renovatie gaat voor"})
    assert response.status_code == 302
    assert _fresh(reference, draft.id).state == "withdrawn"
    assert "Renovatie gaat voor" in client.get(path).get_data(as_text=True)


def test_a_dwelling_whose_offer_was_accepted_is_let_through_the_page(reference, users,
                                                                     signed_in):
    made = offer_accepted(reference, **_parties(users))
    client = signed_in("corporation")
    path = f"/corporatie/woningen/{made.dwelling.id}"
    assert "Woning verhuren" in client.get(path).get_data(as_text=True)
    asked = client.post(f"{path}/verhuren", data={
        "csrf_token": csrf_token(client, path), "lease_start": "2026-02-01",
        "lease_type": "direct"})
    said = confirmation_text(asked)
    assert made.dwelling.address in said and "1 februari 2026" in said
    assert "De cliënt geldt daarna als gehuisvest." in said
    assert (_fresh(reference, made.dwelling.id).state, _count(reference, Lease)) == (
        "offer_accepted", 0)
    response = confirm(client, asked)
    assert response.status_code == 302
    assert _fresh(reference, made.dwelling.id).state == "let"
    assert _count(reference, Lease) == 1


def test_a_flip_lease_without_the_providers_consent_is_refused_at_the_field(reference, users,
                                                                            signed_in):
    made = offer_accepted(reference, **_parties(users), client_data={"flip_lease_ok": False})
    client = signed_in("corporation")
    path = f"/corporatie/woningen/{made.dwelling.id}"
    response = client.post(f"{path}/verhuren", data={
        "csrf_token": csrf_token(client, path), "lease_start": "2026-02-01",
        "lease_type": "flip", "bevestigd": "ja"})
    response = returned(client, response, path)
    assert 'id="lease_type-error">De zorgaanbieder heeft niet ingestemd' in response.get_data(
        as_text=True)
    assert _fresh(reference, made.dwelling.id).state == "offer_accepted"


@pytest.mark.parametrize("lease_type", ["direct", "flip", "campus"])
@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_a_lease_start_outside_this_century_is_refused_at_the_field(reference, users, signed_in,
                                                                    lease_type, start):
    made = offer_accepted(reference, **_parties(users))
    client = signed_in("corporation")
    path = f"/corporatie/woningen/{made.dwelling.id}"
    response = client.post(f"{path}/verhuren", data={
        "csrf_token": csrf_token(client, path), "lease_start": start, "lease_type": lease_type})
    response = returned(client, response, path)
    assert "Kies een datum tussen 2000 en 2099." in response.get_data(as_text=True)
    assert _fresh(reference, made.dwelling.id).state == "offer_accepted"
    assert _count(reference, Lease) == 0


# --- scope, roles and CSRF ----------------------------------------------------------------------


def test_another_corporations_dwelling_answers_404_and_is_left_alone(reference, signed_in,
                                                                     foreign):
    client = signed_in("corporation")
    token = csrf_token(client, "/corporatie/woningen/nieuw")
    base = f"/corporatie/woningen/{foreign.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/bewerken").status_code == 404
    for action, data in (("voordragen", {}), ("intrekken", {"reason": "weg"}),
                         ("vrijgeven", {}), ("bewerken", _form()),
                         ("verhuren", {"lease_start": "2026-02-01", "lease_type": "direct"})):
        response = client.post(f"{base}/{action}", data={**data, "csrf_token": token})
        assert response.status_code == 404, action
    assert _fresh(reference, foreign.id).state == "draft"


@pytest.mark.parametrize("role", ["matcher", "care_provider"])
def test_other_roles_get_403_on_the_corporation_pages(signed_in, draft, role):
    client = signed_in(role)
    for path in ("/corporatie/kwartaal", "/corporatie/woningen", "/corporatie/woningen/nieuw",
                 f"/corporatie/woningen/{draft.id}", "/corporatie/woningen/uploaden"):
        assert client.get(path).status_code == 403, path


def test_every_post_without_csrf_token_answers_400_and_changes_nothing(reference, users,
                                                                       signed_in, draft):
    ready = offer_accepted(reference, **_parties(users))
    client = signed_in("corporation")
    posts = [
        ("/corporatie/woningen/nieuw", _form()),
        (f"/corporatie/woningen/{draft.id}/bewerken", _form(rooms="5")),
        (f"/corporatie/woningen/{draft.id}/voordragen", {}),
        (f"/corporatie/woningen/{draft.id}/intrekken", {"reason": "weg"}),
        (f"/corporatie/woningen/{draft.id}/vrijgeven", {}),
        (f"/corporatie/woningen/{ready.dwelling.id}/verhuren",
         {"lease_start": "2026-02-01", "lease_type": "direct"}),
    ]
    for path, data in posts:
        assert client.post(path, data=data).status_code == 400, path
    assert _count(reference, Dwelling) == 2
    assert (_fresh(reference, draft.id).state, _fresh(reference, draft.id).rooms) == ("draft", 2)
    assert _fresh(reference, ready.dwelling.id).state == "offer_accepted"


def test_an_empty_optional_field_takes_the_default(reference, signed_in):
    client = signed_in("corporation")
    token = csrf_token(client, "/corporatie/woningen/nieuw")
    response = client.post("/corporatie/woningen/nieuw",
                           data={**_form(floor=""), "csrf_token": token})
    assert response.status_code == 302
    dwelling_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert _fresh(reference, dwelling_id).floor == 0


def test_the_corporation_pages_also_work_in_english(reference, users, signed_in, draft):
    made = open_round(reference, **_parties(users))
    client = signed_in("corporation")
    client.post("/taal", data={"lang": "en", "csrf_token": csrf_token(client, "/profiel")})
    for path in ("/corporatie/kwartaal", "/corporatie/woningen", "/corporatie/woningen/nieuw",
                 f"/corporatie/woningen/{made.dwelling.id}", "/corporatie/woningen/uploaden",
                 "/corporatie/voorstellen", f"/corporatie/voorstellen/{made.proposal.id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="en">' in response.get_data(as_text=True)
