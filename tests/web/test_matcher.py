"""The matcher's pages: queue, dwelling with suggestions and proposing, dry run, referrals,
offers and overdue rounds, as Het Vierde Huis and the other roles would notice them."""

import re
from datetime import date

import pytest
from sqlmodel import Session, col, select

from matching.models import AccessLog, Candidate, Client, Dwelling, Organisation, Proposal
from matching.services.errors import ValidationFailed
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.matcher_setup import (
    matched,
    proposed,
    referral,
    submitted_dwelling,
    waiting_clients,
)
from tests.web.confirming import confirm, confirmation_text
from tests.web.conftest import csrf_token
from tests.web.returning import returned

MATCHER_PAGES = ["/matcher/wachtrij", "/matcher/aanmeldingen", "/matcher/aanbiedingen",
                 "/matcher/te-laat"]


def _fresh(session: Session, row):  # type: ignore[no-untyped-def]
    """Read a row again as the web request left it."""
    session.expire_all()
    return session.get(type(row), row.id)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def world(reference: Session, users):  # type: ignore[no-untyped-def]
    """Lister has four waiting clients and two whose household is too large; Mitros has
    submitted a two-room dwelling."""
    matcher, lister = users["matcher"], users["care_provider"]
    clients = waiting_clients(reference, lister, matcher, 4)
    large = waiting_clients(reference, lister, matcher, 2, adults=2, children=3)
    dwelling = submitted_dwelling(reference, users["corporation"], submitted_days_ago=1)
    return {"clients": clients, "large": large, "dwelling": dwelling}


# --- the queue --------------------------------------------------------------------------------


def test_the_queue_lists_submitted_dwellings_oldest_first_with_working_days_and_signals(
    reference, users, signed_in,
):
    mitros = users["corporation"]
    fresh = submitted_dwelling(reference, mitros, address="Nieuwstraat 1, Utrecht")
    risky = submitted_dwelling(reference, mitros, submitted_days_ago=35,
                               address="Risicolaan 2, Utrecht")
    old = submitted_dwelling(reference, mitros, submitted_days_ago=60,
                             address="Oudegracht 3, Utrecht")
    page = _text(signed_in("matcher").get("/matcher/wachtrij"))
    assert page.index("Oudegracht 3") < page.index("Risicolaan 2") < page.index("Nieuwstraat 1")
    assert "mag worden vrijgegeven" in page.split("Oudegracht 3")[1].split("</tr>")[0]
    assert "risico" in page.split("Risicolaan 2")[1].split("</tr>")[0]
    assert "op tijd" in page.split("Nieuwstraat 1")[1].split("</tr>")[0]
    assert "Na 20 werkdagen" in page and "na 30 werkdagen" in page
    assert all(f"/matcher/woningen/{d.id}" in page for d in (fresh, risky, old))


def test_the_queue_filters_by_corporation_and_counts_dwellings_further_on(
    reference, users, signed_in, world,
):
    submitted_dwelling(reference, users["other_corporation"], address="Portaalweg 9, Utrecht")
    other = submitted_dwelling(reference, users["corporation"], address="Balkon 4, Utrecht")
    proposed(reference, other, world["clients"][:1], users["matcher"])
    portaal = reference.exec(select(Organisation).where(Organisation.name == "Portaal")).one()
    client = signed_in("matcher")
    page = _text(client.get(f"/matcher/wachtrij?corporatie={portaal.id}"))
    assert "Portaalweg 9" in page and "Teststraat" not in page
    everything = _text(client.get("/matcher/wachtrij"))
    assert "Balkon 4" not in everything  # proposed: no longer waiting for candidates
    assert re.search(r'figure__value">1</span> <span class="figure__label">kandidaten', everything)


@pytest.mark.parametrize("role", ["corporation", "care_provider", "analyst"])
def test_other_roles_get_403_on_the_matcher_pages(signed_in, world, role):
    client = signed_in(role)
    for path in [*MATCHER_PAGES, f"/matcher/woningen/{world['dwelling'].id}",
                 f"/matcher/aanbiedingen/{world['dwelling'].id}"]:
        assert client.get(path).status_code == 403, path


def test_an_unknown_dwelling_is_404(signed_in):
    client = signed_in("matcher")
    assert client.get("/matcher/woningen/999999").status_code == 404
    token = csrf_token(client, "/matcher/wachtrij")
    response = client.post("/matcher/woningen/999999/voorstellen",
                           data={"csrf_token": token, "client_ids": ["1"]})
    assert response.status_code == 404


# --- the dwelling page ------------------------------------------------------------------------


def test_the_dwelling_page_explains_the_suggestions_and_counts_the_exclusions_per_rule(
    reference, users, signed_in, world,
):
    dwelling = world["dwelling"]
    response = signed_in("matcher").get(f"/matcher/woningen/{dwelling.id}")
    assert response.status_code == 200
    page = _text(response)
    assert "6 wachtend, 4 geschikt: 2 huishouden te groot" in page
    assert "Wacht " in page and "punten" in page  # the explanation, factor by factor
    first, second = world["clients"][:2]
    assert page.index(f"#{first.id} {first.reference}") < page.index(f"#{second.id} ")
    assert "De bovenste 3 suggesties voorstellen" in page
    logged = reference.exec(select(AccessLog.client_id).where(
        col(AccessLog.purpose).contains(f"dwelling {dwelling.id}"))).all()
    assert {c.id for c in world["clients"][:3]} <= set(logged)


def test_proposing_the_top_suggestions_with_one_click_opens_a_round(
    reference, signed_in, world,
):
    dwelling = world["dwelling"]
    client = signed_in("matcher")
    page = client.get(f"/matcher/woningen/{dwelling.id}").get_data(as_text=True)
    one_click = page.split('class="actions">', 1)[1].split("</form>")[0]
    top = re.findall(r'name="client_ids" value="(\d+)"', one_click)
    assert top == [str(c.id) for c in world["clients"][:3]]
    response = client.post(f"/matcher/woningen/{dwelling.id}/voorstellen",
                           data={"csrf_token": csrf_token(client, "/matcher/wachtrij"),
                                 "client_ids": top})
    assert response.status_code == 303
    assert _fresh(reference, dwelling).state == "proposed"
    round_one = reference.exec(select(Proposal).where(Proposal.dwelling_id == dwelling.id)).one()
    assert round_one.deviates is False
    after = _text(client.get(response.headers["Location"]))
    assert "Ronde 1 is geopend met 3 kandidaten" in after
    assert "Kandidaten van ronde 1" in after


def test_a_deviation_without_motivation_is_refused_with_the_message_at_the_field(
    reference, signed_in, world,
):
    dwelling, fourth = world["dwelling"], world["clients"][3]
    client = signed_in("matcher")
    response = client.post(f"/matcher/woningen/{dwelling.id}/voorstellen", data={
        "csrf_token": csrf_token(client, "/matcher/wachtrij"), "other_ids": str(fourth.id)})
    page = _text(returned(client, response, f"/matcher/woningen/{dwelling.id}"))
    assert re.search(r'id="motivation-error">Geef een motivatie', page)
    assert 'aria-invalid="true"' in page
    assert _fresh(reference, dwelling).state == "submitted"


def test_a_motivated_deviation_is_proposed_and_the_motivation_kept(reference, signed_in, world):
    dwelling, fourth = world["dwelling"], world["clients"][3]
    client = signed_in("matcher")
    response = client.post(f"/matcher/woningen/{dwelling.id}/voorstellen", data={
        "csrf_token": csrf_token(client, "/matcher/wachtrij"), "other_ids": f"#{fourth.id}",
        "motivation": "Past bij de begeleiding in deze buurt"})
    assert response.status_code == 303
    round_one = reference.exec(select(Proposal).where(Proposal.dwelling_id == dwelling.id)).one()
    assert (round_one.deviates, round_one.motivation) == (
        True, "Past bij de begeleiding in deze buurt")
    page = _text(client.get(f"/matcher/woningen/{dwelling.id}"))
    assert "Past bij de begeleiding in deze buurt" in page


def test_proposing_an_ineligible_client_names_the_rule_in_dutch(reference, signed_in, world):
    dwelling, large = world["dwelling"], world["large"][0]
    client = signed_in("matcher")
    response = client.post(f"/matcher/woningen/{dwelling.id}/voorstellen", data={
        "csrf_token": csrf_token(client, "/matcher/wachtrij"), "client_ids": [str(large.id)],
        "motivation": "toch proberen"})
    shown = returned(client, response, f"/matcher/woningen/{dwelling.id}")
    assert f"Cliënt {large.id} is niet geschikt: huishouden te groot" in _text(shown)


def test_a_refusal_the_page_does_not_know_is_still_said_in_dutch(
    signed_in, world, monkeypatch
):
    def refuse(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise ValidationFailed({"client_ids": "a problem nobody foresaw"})

    monkeypatch.setattr("matching.web.matcher_dwelling.propose_candidates", refuse)
    dwelling, chosen = world["dwelling"], world["clients"][0]
    client = signed_in("matcher")
    response = client.post(f"/matcher/woningen/{dwelling.id}/voorstellen", data={
        "csrf_token": csrf_token(client, "/matcher/wachtrij"), "client_ids": [str(chosen.id)]})
    shown = returned(client, response, f"/matcher/woningen/{dwelling.id}")
    assert "Deze waarde klopt niet (a problem nobody foresaw)." in _text(shown)


def test_the_dry_run_says_why_a_client_is_not_among_the_suggestions(signed_in, world):
    dwelling, large = world["dwelling"], world["large"][0]
    client = signed_in("matcher")
    page = _text(client.get(f"/matcher/woningen/{dwelling.id}?client={large.id}"))
    verdict = page.split('data-testid="verdict">')[1].split("</div>")[0]
    assert "Uitgesloten" in verdict and "Het huishouden van " in verdict
    assert "personen is te groot voor " in verdict and "Regel" not in verdict
    lower = world["clients"][3]
    page = _text(client.get(f"/matcher/woningen/{dwelling.id}?client={lower.id}"))
    assert "Geschikt, maar lager gerangschikt" in page and "plaats 4" in page
    unknown = _text(client.get(f"/matcher/woningen/{dwelling.id}?client=987654"))
    assert "Cliënt 987654 bestaat niet." in unknown


# --- referrals --------------------------------------------------------------------------------


def test_referrals_are_listed_oldest_first_and_their_reads_logged(reference, users, signed_in):
    lister = users["care_provider"]
    newer = referral(reference, lister, date(2026, 3, 1), reference="NIEUW-1")
    older = referral(reference, lister, date(2025, 11, 1), reference="OUD-1")
    page = _text(signed_in("matcher").get("/matcher/aanmeldingen"))
    assert page.index("OUD-1") < page.index("NIEUW-1")
    logged = set(reference.exec(select(AccessLog.client_id)).all())
    assert {newer.id, older.id} <= logged


def test_approving_a_referral_starts_the_wait_today_or_at_the_referral_date(
    reference, users, signed_in,
):
    lister = users["care_provider"]
    today_one = referral(reference, lister, date(2025, 11, 1))
    dated_one = referral(reference, lister, date(2025, 10, 1))
    client = signed_in("matcher")
    token = csrf_token(client, "/matcher/aanmeldingen")
    before = local_date(utcnow())
    response = client.post(f"/matcher/aanmeldingen/{today_one.id}/goedkeuren",
                           data={"csrf_token": token})
    assert response.status_code == 303
    after = local_date(utcnow())
    client.post(f"/matcher/aanmeldingen/{dated_one.id}/goedkeuren",
                data={"csrf_token": token, "waiting_since": "2025-10-01"})
    first, second = _fresh(reference, today_one), _fresh(reference, dated_one)
    assert first.state == second.state == "waiting"
    assert first.waiting_since in (before, after)  # today, not the referral date
    assert second.waiting_since == date(2025, 10, 1)
    again = client.post(f"/matcher/aanmeldingen/{dated_one.id}/goedkeuren",
                        data={"csrf_token": token}, follow_redirects=True)
    assert "Dit kan nu niet" in _text(again)


# --- offers -----------------------------------------------------------------------------------


@pytest.fixture
def offer_out(reference, users, world):  # type: ignore[no-untyped-def]
    client = matched(reference, users["corporation"], world["dwelling"], world["clients"][:3],
                     users["matcher"])
    return world["dwelling"], client


def test_the_offers_page_shows_the_matched_client_and_the_answer_deadline(
    signed_in, offer_out,
):
    dwelling, matched_client = offer_out
    page = _text(signed_in("matcher").get("/matcher/aanbiedingen"))
    assert dwelling.address in page and f"#{matched_client.id} {matched_client.reference}" in page
    assert "Antwoord uiterlijk" in page and "Cliënt accepteert" in page


def test_recording_the_acceptance_moves_dwelling_and_client_on(reference, signed_in, offer_out):
    dwelling, matched_client = offer_out
    client = signed_in("matcher")
    asked = client.post(f"/matcher/aanbiedingen/{dwelling.id}", data={
        "csrf_token": csrf_token(client, "/matcher/aanbiedingen"), "answer": "accepted"})
    said = confirmation_text(asked)
    assert f"cliënt #{matched_client.id} {matched_client.reference}" in said
    assert f"het aanbod voor {dwelling.address} op " in said and "accepteert" in said
    assert _fresh(reference, dwelling).state == "matched"
    response = confirm(client, asked)
    assert response.status_code == 303
    assert _fresh(reference, dwelling).state == "offer_accepted"
    assert _fresh(reference, matched_client).state == "offer_accepted"


@pytest.mark.parametrize(("valid", "client_state"), [("yes", "waiting"), ("no", "offer_refused")])
def test_a_declined_offer_sends_the_client_back_or_lapses_the_priority(
    reference, signed_in, offer_out, valid, client_state,
):
    dwelling, matched_client = offer_out
    client = signed_in("matcher")
    asked = client.post(f"/matcher/aanbiedingen/{dwelling.id}", data={
        "csrf_token": csrf_token(client, f"/matcher/aanbiedingen/{dwelling.id}"),
        "answer": "declined", "reason_code": "location_unsuitable", "valid": valid})
    said = confirmation_text(asked)
    assert "afslaat, met als reden: " in said
    assert ("met behoud van wachttijd" in said) == (valid == "yes")
    assert ("de voorrang van de cliënt vervalt" in said) == (valid == "no")
    assert _fresh(reference, dwelling).state == "matched"
    response = confirm(client, asked)
    assert response.status_code == 303
    assert _fresh(reference, dwelling).state == "submitted"
    assert _fresh(reference, matched_client).state == client_state


def test_a_decline_without_reason_is_refused_at_the_fields(reference, signed_in, offer_out):
    dwelling, _client = offer_out
    client = signed_in("matcher")
    token = csrf_token(client, f"/matcher/aanbiedingen/{dwelling.id}")
    response = client.post(f"/matcher/aanbiedingen/{dwelling.id}",
                           data={"csrf_token": token, "answer": "declined"})
    assert response.status_code == 422
    page = _text(response)
    assert "Kies de reden waarom de cliënt afslaat." in page
    assert "Geef aan of de reden geldig is." in page
    other = client.post(f"/matcher/aanbiedingen/{dwelling.id}", data={
        "csrf_token": token, "answer": "declined", "reason_code": "candidate_other",
        "valid": "yes"})
    assert other.status_code == 422
    assert re.search(r'id="motivation-error">Geef een toelichting', _text(other))
    assert _fresh(reference, dwelling).state == "matched"


# --- overdue rounds ---------------------------------------------------------------------------


def test_overdue_rounds_show_corporation_dwelling_and_working_days_late(
    reference, users, signed_in, world,
):
    proposed(reference, world["dwelling"], world["clients"][:2], users["matcher"],
             proposed_days_ago=21)
    page = _text(signed_in("matcher").get("/matcher/te-laat"))
    row = page.split(world["dwelling"].address)[1].split("</tr>")[0]
    assert "Mitros" in page.split(world["dwelling"].address)[0].rsplit("<tr", 1)[1]
    late = re.search(r'class="num late" data-sort="(\d+)"', row)
    assert late and 8 <= int(late.group(1)) <= 12


# --- CSRF -------------------------------------------------------------------------------------


def test_every_post_without_csrf_token_is_refused_and_changes_nothing(
    reference, users, signed_in, offer_out, world,
):
    dwelling, matched_client = offer_out
    waiting = referral(reference, users["care_provider"], date(2025, 1, 1))
    other = submitted_dwelling(reference, users["corporation"])
    client = signed_in("matcher")
    posts = [
        (f"/matcher/aanmeldingen/{waiting.id}/goedkeuren", {}),
        (f"/matcher/woningen/{other.id}/voorstellen",
         {"client_ids": [str(world["clients"][3].id)], "motivation": "x"}),
        (f"/matcher/aanbiedingen/{dwelling.id}", {"answer": "accepted"}),
    ]
    for path, data in posts:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert "Formulier verlopen" in _text(response)
    assert _fresh(reference, waiting).state == "registered"
    assert _fresh(reference, other).state == "submitted"
    assert _fresh(reference, dwelling).state == "matched"
    assert _fresh(reference, matched_client).state == "matched"
    assert reference.exec(select(Candidate).where(Candidate.dwelling_id == other.id)).all() == []
    assert isinstance(_fresh(reference, other), Dwelling)
    assert isinstance(_fresh(reference, waiting), Client)
