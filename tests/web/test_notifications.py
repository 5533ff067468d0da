"""The bell, the notifications page, opening a notification (also from an e-mail), the e-mail
preferences, the language of the mail, and the rounds the agency can act on when late."""

import re
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from matching.models import (
    Dwelling,
    Notice,
    Notification,
    NotificationPreference,
    Proposal,
    ProposalEvent,
    User,
)
from matching.parameters import year_parameters
from matching.services.proposals import decide_candidate
from matching.services.round_escalation import latest_extended_deadline
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.corporation_data import Round, open_round
from tests.matcher_setup import submitted_dwelling
from tests.web.conftest import csrf_token, sign_in
from tests.web.returning import returned


def _round(session: Session, users: dict[str, User], address: str, *, days_ago: int = 0,
           corporation: str = "corporation") -> Round:
    return open_round(session, corporation=users[corporation], provider=users["care_provider"],
                      matcher=users["matcher"], address=address,
                      proposed_at=utcnow() - timedelta(days=days_ago))


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _bell(page: str) -> str:
    """The header's link to the notifications: its accessible name and visible text."""
    match = re.search(r'<a href="/meldingen" class="bell"\s+aria-label="([^"]+)"[^>]*>(.*?)</a>',
                      page, re.S)
    assert match, "no bell in the header"
    return f"{match.group(1)} | {' '.join(re.sub(r'<[^>]+>', ' ', match.group(2)).split())}"


def _notifications(session: Session, user: User, kind: str | None = None) -> list[Notification]:
    statement = (select(Notification).join(Notice, col(Notice.id) == col(Notification.notice_id))
                 .where(Notification.user_id == user.id).order_by(col(Notification.id)))
    if kind is not None:
        statement = statement.where(Notice.kind == kind)
    return list(_fresh(session).exec(statement))


def _fresh(session: Session) -> Session:
    """The test's session, reading what the requests committed since."""
    session.rollback()
    session.expire_all()
    return session


def _post(client: FlaskClient, path: str, form_page: str, data: dict | None = None):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, form_page)})


# --- the bell and the list --------------------------------------------------------------------


def test_the_bell_counts_a_round_opened_for_the_corporation_and_not_for_another(
    reference, users, signed_in
):
    mitros, portaal = signed_in("corporation"), signed_in("other_corporation")
    assert _bell(_page(mitros, "/corporatie/kwartaal")) == (
        "Meldingen, geen ongelezen | Meldingen")

    _round(reference, users, "Belstraat 1, Utrecht")

    assert _bell(_page(mitros, "/corporatie/kwartaal")) == "Meldingen, 1 ongelezen | Meldingen 1"
    assert _bell(_page(portaal, "/corporatie/kwartaal")) == (
        "Meldingen, geen ongelezen | Meldingen")
    assert "Belstraat 1" not in _page(portaal, "/meldingen")


def test_the_list_shows_the_newest_first_with_its_message_and_marks_the_unread(
    reference, users, signed_in
):
    older = _round(reference, users, "Oudestraat 1, Utrecht", days_ago=2)
    _round(reference, users, "Nieuwestraat 2, Utrecht")
    page = _page(signed_in("corporation"), "/meldingen")
    assert page.index("Nieuwestraat 2") < page.index("Oudestraat 1")
    deadline = older.proposal.deadline
    assert isinstance(deadline, date)
    assert (f"Nieuwe voorstelronde 1 voor Oudestraat 1, Utrecht: besluit uiterlijk "
            f"{deadline.day} ") in page
    # Unread in words, not only by colour, with a button for each.
    assert page.count(">Ongelezen</span>") == 2
    assert page.count(">Markeer als gelezen</button>") == 2
    assert "Nieuwe voorstelronde voor een woning" in page  # the kind's label


def test_opening_a_notification_marks_it_read_and_leads_to_the_round(reference, users,
                                                                      signed_in):
    made = _round(reference, users, "Openstraat 3, Utrecht")
    corporation = signed_in("corporation")
    [notification] = _notifications(reference, users["corporation"])

    response = corporation.get(f"/meldingen/{notification.id}")

    assert response.status_code == 302
    assert response.location.endswith(f"/corporatie/voorstellen/{made.proposal.id}")
    assert _notifications(reference, users["corporation"])[0].read_at is not None
    page = _page(corporation, "/meldingen")
    assert _bell(page) == "Meldingen, geen ongelezen | Meldingen"
    assert ">Gelezen</span>" in page and "Markeer als gelezen" not in page


def test_a_link_from_an_e_mail_signs_in_first_and_then_opens_the_notification(
    app, reference, users
):
    made = _round(reference, users, "Mailstraat 4, Utrecht")
    [notification] = _notifications(reference, users["corporation"])
    browser = app.test_client()

    response = browser.get(f"/meldingen/{notification.id}")
    assert response.status_code == 302 and "/aanmelden" in response.location
    signed = browser.post(response.location, data={
        "email": users["corporation"].email, "password": "correct horse battery",
        "csrf_token": csrf_token(browser, response.location)})

    assert signed.status_code == 302 and signed.location == f"/meldingen/{notification.id}"
    opened = browser.get(signed.location)
    assert opened.location.endswith(f"/corporatie/voorstellen/{made.proposal.id}")


def test_another_users_notification_is_not_found(reference, users, signed_in):
    _round(reference, users, "Geheimstraat 5, Utrecht")
    [notification] = _notifications(reference, users["corporation"])
    for key in ("other_corporation", "matcher"):
        other = signed_in(key)
        assert other.get(f"/meldingen/{notification.id}").status_code == 404
        refused = _post(other, f"/meldingen/{notification.id}/gelezen", "/meldingen")
        assert refused.status_code == 404
    assert _notifications(reference, users["corporation"])[0].read_at is None


def test_one_or_all_notifications_are_marked_read_with_the_buttons(reference, users, signed_in):
    for n in range(3):
        _round(reference, users, f"Leesstraat {n}, Utrecht")
    corporation = signed_in("corporation")
    first = _notifications(reference, users["corporation"])[0]

    one = _post(corporation, f"/meldingen/{first.id}/gelezen", "/meldingen",
                {"ongelezen": "1"})
    assert one.status_code == 303 and one.location == "/meldingen?ongelezen=1"
    page = _page(corporation, "/meldingen?ongelezen=1")
    assert "De melding is als gelezen gemarkeerd." in page
    assert page.count(">Ongelezen</span>") == 2 and "Leesstraat 0" not in page

    everything = _post(corporation, "/meldingen/alles-gelezen", "/meldingen")
    assert everything.status_code == 303
    page = _page(corporation, "/meldingen")
    assert "2 meldingen zijn als gelezen gemarkeerd." in page
    assert _bell(page) == "Meldingen, geen ongelezen | Meldingen"
    assert all(n.read_at is not None for n in _notifications(reference, users["corporation"]))
    assert "Geen ongelezen meldingen." in _page(corporation, "/meldingen?ongelezen=1")


def test_marking_all_read_leaves_a_notification_that_came_after_the_page_was_shown(
    reference, users, signed_in
):
    _round(reference, users, "Gezienstraat 1, Utrecht")
    corporation = signed_in("corporation")
    page = _page(corporation, "/meldingen")
    shown = re.search(r'name="shown_at" value="([^"]+)"', page)
    assert shown is not None
    _round(reference, users, "Nieuwkomerstraat 2, Utrecht")

    response = corporation.post("/meldingen/alles-gelezen", data={
        "shown_at": shown.group(1), "csrf_token": csrf_token(corporation, "/meldingen")})

    assert response.status_code == 303
    page = _page(corporation, "/meldingen")
    assert "1 melding is als gelezen gemarkeerd." in page
    assert _bell(page) == "Meldingen, 1 ongelezen | Meldingen 1"
    assert page.count(">Ongelezen</span>") == 1
    unread = page.split(">Ongelezen</span>")[1].split("</li>")[0]
    assert "Nieuwkomerstraat 2" in unread and "Gezienstraat 1" not in unread


# --- e-mail preferences and language ----------------------------------------------------------


def test_the_preferences_show_a_group_per_kind_of_the_role_and_save_the_choices(
    reference, users, signed_in
):
    corporation = signed_in("corporation")
    assert "/profiel/meldingen" in _page(corporation, "/profiel")
    page = _page(corporation, "/profiel/meldingen")
    assert "<legend>Nieuwe voorstelronde voor een woning</legend>" in page
    assert "<legend>Omklap aangevraagd</legend>" in page
    assert "Nieuwe aanmelding" not in page  # a kind only the agency receives
    assert "Dagelijks overzicht (08:00)" in page and "Geen e-mail" in page

    response = _post(corporation, "/profiel/meldingen", "/profiel/meldingen",
                     {"round_opened": "digest", "round_reminder": "none", "language": "en"})

    assert response.status_code == 303
    assert "Uw voorkeuren voor meldingen zijn opgeslagen." in _page(corporation,
                                                                   "/profiel/meldingen")
    _fresh(reference)
    chosen = {p.kind: p.delivery for p in reference.exec(select(NotificationPreference).where(
        NotificationPreference.user_id == users["corporation"].id))}
    assert chosen["round_opened"] == "digest" and chosen["round_reminder"] == "none"
    assert reference.get(User, users["corporation"].id).language == "en"
    page = _page(corporation, "/profiel/meldingen")
    assert re.search(r'id="round_opened-1"[^>]*checked|checked[^>]*id="round_opened-1"', page)


def test_a_delivery_that_is_not_a_choice_is_refused_at_its_field(reference, users, signed_in):
    corporation = signed_in("corporation")
    response = _post(corporation, "/profiel/meldingen", "/profiel/meldingen",
                     {"round_opened": "weekly", "language": "fr"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    fieldset = page.split("<legend>Nieuwe voorstelronde voor een woning</legend>")[1]
    assert "Kies direct, een dagelijks overzicht of geen e-mail." in fieldset.split(
        "</fieldset>")[0]
    assert "Kies Nederlands of English." in page
    _fresh(reference)
    assert not reference.exec(select(NotificationPreference)).all()


def test_the_language_switch_is_remembered_for_the_users_e_mail_and_next_sign_in(
    app, reference, users, signed_in
):
    matcher = signed_in("matcher")
    matcher.post("/taal", data={"lang": "en", "csrf_token": csrf_token(matcher, "/profiel")})
    _fresh(reference)
    assert reference.get(User, users["matcher"].id).language == "en"

    later = app.test_client()
    sign_in(later, users["matcher"])
    assert '<html lang="en">' in _page(later, "/matcher/wachtrij")


# --- the rounds the agency acts on -------------------------------------------------------------


@pytest.fixture
def late_round(reference: Session, users) -> Round:
    """A round of Mitros that has been waiting for its decision for a month."""
    return _round(reference, users, "Laatstraat 9, Utrecht", days_ago=30)


def _extend(client: FlaskClient, proposal_id: int, deadline: date | str, reason: str = "ziek"):
    path = f"/matcher/rondes/{proposal_id}"
    return _post(client, f"{path}/verlengen", path,
                 {"extend-deadline": str(deadline), "extend-reason": reason})


def test_the_overdue_list_links_to_the_round_page_with_its_facts(reference, signed_in,
                                                                 late_round):
    matcher = signed_in("matcher")
    overdue = _page(matcher, "/matcher/te-laat")
    assert f'href="/matcher/rondes/{late_round.proposal.id}"' in overdue
    page = _page(matcher, f"/matcher/rondes/{late_round.proposal.id}")
    assert "Ronde 1 voor Laatstraat 9, Utrecht" in page
    assert "Mitros" in page and "werkdagen over de termijn" in page
    assert "Termijn verlengen" in page and "Ronde annuleren" in page
    latest = latest_extended_deadline(reference, local_date(utcnow()))
    assert f"uiterlijk {latest.day} " in page


def test_the_matcher_extends_a_late_round_once_and_the_corporation_is_told(
    reference, users, signed_in, late_round
):
    matcher = signed_in("matcher")
    proposal_id = late_round.proposal.id
    old_deadline = late_round.proposal.deadline
    new_deadline = latest_extended_deadline(reference, local_date(utcnow()))

    response = _extend(matcher, proposal_id, new_deadline, "De corporatie wacht op een keuring")

    assert response.status_code == 303
    _fresh(reference)
    proposal = reference.get(Proposal, proposal_id)
    assert (proposal.state, proposal.deadline, proposal.original_deadline) == (
        "open", new_deadline, old_deadline)
    events = reference.exec(select(ProposalEvent).where(
        ProposalEvent.proposal_id == proposal_id, ProposalEvent.trigger == "extend")).all()
    assert len(events) == 1
    assert _notifications(reference, users["corporation"], "round_extended")
    told = _page(signed_in("corporation"), "/meldingen")
    assert "Het Vierde Huis heeft de beslistermijn van ronde 1 voor Laatstraat 9" in told

    page = _page(matcher, f"/matcher/rondes/{proposal_id}")
    assert "De beslistermijn is verlengd tot" in page
    assert "De termijn is al verlengd" in page and 'name="extend-deadline"' not in page

    again = _extend(matcher, proposal_id, new_deadline)
    assert again.status_code == 409
    assert "al eens verlengd; dat kan maar één keer" in again.get_data(as_text=True)


def test_a_deadline_beyond_the_limit_or_without_a_reason_is_refused_at_the_fields(
    reference, signed_in, late_round
):
    matcher = signed_in("matcher")
    latest = latest_extended_deadline(reference, local_date(utcnow()))
    calendar = year_parameters(reference, latest.year).calendar
    too_late = calendar.add_working_days(latest, 1)

    page_path = f"/matcher/rondes/{late_round.proposal.id}"
    response = _extend(matcher, late_round.proposal.id, too_late)
    response = returned(matcher, response, page_path)
    page = response.get_data(as_text=True)
    assert re.search(r'<div class="utrecht-form-field-error-message[^"]*" '
                     r'id="extend-deadline-error">Kies een datum na vandaag en uiterlijk', page)

    response = _extend(matcher, late_round.proposal.id, latest, reason="")
    response = returned(matcher, response, page_path)
    assert 'id="extend-reason-error">Geef een reden op.' in response.get_data(as_text=True)
    _fresh(reference)
    assert reference.get(Proposal, late_round.proposal.id).original_deadline is None


def test_cancelling_a_round_sends_the_dwelling_back_to_the_queue(reference, users, signed_in,
                                                                 late_round):
    matcher = signed_in("matcher")
    path = f"/matcher/rondes/{late_round.proposal.id}"

    response = _post(matcher, f"{path}/annuleren", path, {"cancel-reason": "Geen reactie"})

    assert response.status_code == 303
    assert response.location == f"/matcher/woningen/{late_round.dwelling.id}"
    _fresh(reference)
    assert reference.get(Dwelling, late_round.dwelling.id).state == "submitted"
    assert reference.get(Proposal, late_round.proposal.id).state == "cancelled"
    assert _notifications(reference, users["corporation"], "round_cancelled")
    page = _page(matcher, path)
    assert "Over deze ronde is al besloten, of ze is geannuleerd" in page
    assert _post(matcher, f"{path}/annuleren", path, {"cancel-reason": "x"}).status_code == 409


def test_a_cancellation_without_a_reason_is_refused_at_the_field(reference, signed_in,
                                                                 late_round):
    matcher = signed_in("matcher")
    path = f"/matcher/rondes/{late_round.proposal.id}"
    response = _post(matcher, f"{path}/annuleren", path, {"cancel-reason": "  "})
    response = returned(matcher, response, path)
    assert 'id="cancel-reason-error">' in response.get_data(as_text=True)
    _fresh(reference)
    assert reference.get(Proposal, late_round.proposal.id).state == "open"


@pytest.mark.parametrize("role", ["corporation", "care_provider", "analyst", "admin"])
def test_only_the_matcher_may_use_the_round_pages(signed_in, late_round, role):
    other = signed_in(role)
    path = f"/matcher/rondes/{late_round.proposal.id}"
    assert other.get(path).status_code == 403
    token = csrf_token(other, "/profiel")
    for action in ("verlengen", "annuleren"):
        assert other.post(f"{path}/{action}", data={
            "csrf_token": token, "extend-reason": "x", "cancel-reason": "x"}).status_code == 403


def test_an_unknown_round_is_404_for_the_matcher(signed_in):
    assert signed_in("matcher").get("/matcher/rondes/987654").status_code == 404


def test_the_matcher_opens_a_decision_on_the_round_page(reference, users, signed_in):
    made = _round(reference, users, "Besluitstraat 7, Utrecht")
    decide_candidate(reference, proposal_id=made.proposal.id, client_id=made.clients[0].id,
                     decision="accept", actor=users["corporation"])
    [decided] = _notifications(reference, users["matcher"], "round_decided")
    matcher = signed_in("matcher")
    response = matcher.get(f"/meldingen/{decided.id}")
    assert response.location.endswith(f"/matcher/rondes/{made.proposal.id}")
    page = _page(matcher, response.location)
    assert "Over deze ronde is al besloten" in page and "Termijn verlengen" not in page


# --- days left in working days ----------------------------------------------------------------


def test_the_inbox_shows_the_working_days_left_and_late(reference, users, signed_in):
    on_time = _round(reference, users, "Optijdstraat 1, Utrecht")
    late = _round(reference, users, "Telaatstraat 2, Utrecht", days_ago=30)
    today = local_date(utcnow())
    calendar = year_parameters(reference, today.year).calendar
    left = calendar.working_days_between(today, on_time.proposal.deadline)
    over = calendar.working_days_between(late.proposal.deadline, today)
    page = _page(signed_in("corporation"), "/corporatie/voorstellen")
    on_time_row = page.split("Optijdstraat 1, Utrecht")[1].split("</tr>")[0]
    late_row = page.split("Telaatstraat 2, Utrecht")[1].split("</tr>")[0]
    assert f"nog {left} werkdag" in on_time_row and "te laat" not in on_time_row
    assert f"{over} werkdagen te laat" in late_row


def test_the_queue_shows_the_working_days_left_before_a_dwelling_is_at_risk(
    reference, users, signed_in
):
    submitted_dwelling(reference, users["corporation"], address="Wachtstraat 3, Utrecht")
    risk = year_parameters(reference, local_date(utcnow()).year).at_risk_working_days
    page = _page(signed_in("matcher"), "/matcher/wachtrij")
    row = page.split("Wachtstraat 3, Utrecht")[1].split("</tr>")[0]
    assert f"nog {risk} werkdagen tot risico" in row


def test_in_english_the_list_and_the_preferences_speak_english(reference, users, signed_in):
    _round(reference, users, "Engelsestraat 8, Utrecht")
    corporation = signed_in("corporation")
    corporation.post("/taal", data={"lang": "en", "csrf_token": csrf_token(corporation,
                                                                            "/profiel")})
    page = _page(corporation, "/meldingen")
    assert 'aria-label="Notifications, 1 unread"' in page
    assert "New round 1 for Engelsestraat 8, Utrecht: decide by" in page
    assert ">Mark as read</button>" in page and "Nieuwe voorstelronde" not in page
    preferences = _page(corporation, "/profiel/meldingen")
    assert "<legend>New round of candidates for a dwelling</legend>" in preferences
    assert "Daily digest (08:00)" in preferences
