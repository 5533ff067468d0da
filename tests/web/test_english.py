"""The language switch turns every role's pages English: the texts of the catalogue, and the
labels of reference data (target groups, reason codes) from their `label_en` column."""

import html
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from sqlmodel import Session

from matching.models import Client, Dwelling, Lease, Proposal, User
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from tests.factories import ClientData, DwellingData
from tests.web.conftest import csrf_token

CATALOGUE = Path(__file__).resolve().parents[2] / "matching/web/translations/en/LC_MESSAGES"

# What the reference data says in English (seeds/target_groups.csv, seeds/reason_codes.csv).
TARGET_GROUP_EN = "Outflow from shelter and protected living (MO/BW)"
TARGET_GROUP_NL = "Uitstroom MO/BW"
REASON_EN = "Rent too high for the target group or the income"
REASON_NL = "Huur te hoog voor doelgroep of inkomen"


@dataclass
class World:
    waiting: list[Client]
    referral: Client
    let: Dwelling
    rejected_round: Proposal
    lease: Lease
    open_round: Proposal
    queued: Dwelling
    draft: Dwelling


@pytest.fixture
def world(reference: Session, users: dict[str, User]) -> World:
    """Mitros's dwellings in every stage, Lister's clients waiting, and one flip lease."""
    session, provider = reference, users["care_provider"]
    corporation, matcher = users["corporation"], users["matcher"]
    waiting = []
    for _ in range(5):
        client = register_client(session, data=ClientData(), actor=provider)
        approve_client(session, client_id=client.id, actor=matcher)
        waiting.append(client)
    referral = register_client(session, data=ClientData(registered_on=date(2019, 7, 1)),
                               actor=provider)

    def submitted(**data: object) -> Dwelling:
        made = create_dwelling(session, data=DwellingData(**data), actor=corporation)
        return submit_dwelling(session, dwelling_id=made.id, actor=corporation)

    # A flip-lease dwelling: one candidate rejected with a reason, the other chosen and housed.
    let = submitted(lease_type="flip")
    first = propose_candidates(session, dwelling_id=let.id, actor=matcher,
                               client_ids=[waiting[0].id, waiting[1].id], motivation="test")
    decide_candidate(session, proposal_id=first.id, client_id=waiting[0].id, decision="reject",
                     reason_code="rent_too_high", actor=corporation)
    decide_candidate(session, proposal_id=first.id, client_id=waiting[1].id, decision="accept",
                     actor=corporation)
    record_offer_answer(session, dwelling_id=let.id, answer="accepted", actor=matcher)
    lease = let_dwelling(session, dwelling_id=let.id, lease_start=date(2019, 9, 1),
                         lease_type="flip", actor=corporation)

    # A dwelling with a round waiting for Mitros, one waiting for candidates, and a draft.
    with_round = submitted()
    second = propose_candidates(session, dwelling_id=with_round.id, actor=matcher,
                                client_ids=[waiting[2].id, waiting[3].id], motivation="test")
    queued = submitted()
    draft = create_dwelling(session, data=DwellingData(), actor=corporation)
    return World(waiting, referral, let, first, lease, second, queued, draft)


def in_english(client: FlaskClient) -> FlaskClient:
    """Press the language switch, as the header's button does."""
    response = client.post("/taal", data={
        "lang": "en", "csrf_token": csrf_token(client, "/profiel"), "next": "/profiel"})
    assert response.status_code == 302
    return client


def visible_text(page: str) -> str:
    """The page's text without tags, scripts or attribute values, whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture(scope="module")
def dutch_texts() -> list[str]:
    """The catalogue's Dutch sentences whose English differs: none may show on an English page."""
    with open(CATALOGUE / "messages.po", "rb") as po:
        catalogue = read_po(po)
    return sorted(
        message.id for message in catalogue
        if isinstance(message.id, str) and "%(" not in message.id and len(message.id) >= 18
        and message.string != message.id
    )


def english_page(
    client: FlaskClient, path: str, dutch_texts: list[str], *, shows_dutch_labels: bool = False
) -> str:
    """Fetch an English page; no Dutch text of the catalogue may remain, unless the page shows
    the Dutch labels of reference data as data (the administrator edits both languages)."""
    response = client.get(path)
    assert response.status_code == 200, path
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page, path
    text = visible_text(page)
    left_dutch = [] if shows_dutch_labels else [d for d in dutch_texts if d in text]
    assert not left_dutch, f"{path} still shows Dutch: {left_dutch}"
    return text


def test_the_switch_turns_the_menu_and_the_page_english_and_back(signed_in, dutch_texts):
    matcher = in_english(signed_in("matcher"))
    text = english_page(matcher, "/matcher/wachtrij", dutch_texts)
    for english in ("Dwelling queue", "Referrals", "Offers", "Overdue rounds", "Contingents",
                    "Leases", "Sign out", "Skip to content"):
        assert english in text
    assert "Nederlands" in text and "Wachtrij woningen" not in text

    matcher.post("/taal", data={"lang": "nl", "csrf_token": csrf_token(matcher, "/profiel")})
    dutch = visible_text(matcher.get("/matcher/wachtrij").get_data(as_text=True))
    assert "Wachtrij woningen" in dutch and "Dwelling queue" not in dutch


def test_the_corporation_sees_its_quarter_dwellings_and_proposals_in_english(
    signed_in, world, dutch_texts
):
    corporation = in_english(signed_in("corporation"))
    quarter = english_page(corporation, "/corporatie/kwartaal", dutch_texts)
    assert re.search(r"Quarter Q\d \d{4}", quarter)
    assert "What is waiting for you" in quarter

    dwellings = english_page(corporation, "/corporatie/woningen", dutch_texts)
    assert "Your dwellings" in dwellings and "draft" in dwellings

    dwelling = english_page(corporation, f"/corporatie/woningen/{world.let.id}", dutch_texts)
    assert "History of the dwelling" in dwelling and "flip lease" in dwelling
    assert REASON_EN in dwelling and REASON_NL not in dwelling
    assert "Purpose move-on" in dwelling and "uitstroom" not in dwelling
    # Day, month, year, as in the history's moments: never 'September 1, 2019'.
    assert "Available from 1 September 2019" in dwelling

    inbox = english_page(corporation, "/corporatie/voorstellen", dutch_texts)
    assert "Proposals awaiting your decision" in inbox

    round_page = english_page(corporation, f"/corporatie/voorstellen/{world.open_round.id}",
                              dutch_texts)
    assert TARGET_GROUP_EN in round_page and TARGET_GROUP_NL not in round_page
    assert "Accept candidate 1" in round_page

    english_page(corporation, "/corporatie/woningen/nieuw", dutch_texts)
    leases = english_page(corporation, "/huurcontracten", dutch_texts)
    assert "flip lease" in leases


def test_the_matcher_sees_the_queue_a_dwelling_and_the_referrals_in_english(
    signed_in, world, dutch_texts
):
    matcher = in_english(signed_in("matcher"))
    dwelling = english_page(matcher, f"/matcher/woningen/{world.queued.id}", dutch_texts)
    assert "Suggestions from the matching engine" in dwelling
    assert TARGET_GROUP_EN in dwelling and TARGET_GROUP_NL not in dwelling

    history = english_page(matcher, f"/matcher/woningen/{world.let.id}", dutch_texts)
    assert REASON_EN in history and REASON_NL not in history

    referrals = english_page(matcher, "/matcher/aanmeldingen", dutch_texts)
    assert "Referrals, oldest first" in referrals
    assert TARGET_GROUP_EN in referrals

    for path in ("/matcher/aanbiedingen", "/matcher/te-laat", "/contingenten"):
        english_page(matcher, path, dutch_texts)
    steering = english_page(matcher, "/stuurcijfers?jaar=2019", dutch_texts)
    assert "Lettings per quarter in 2019" in steering and "Q3 2019" in steering
    assert "first half of 2022" in steering and "3 – Active supervision" in steering


def test_the_care_provider_sees_clients_contingent_and_leases_in_english(
    signed_in, world, dutch_texts
):
    provider = in_english(signed_in("care_provider"))
    clients = english_page(provider, "/clienten", dutch_texts)
    assert "Clients, longest waiting first" in clients
    assert TARGET_GROUP_EN in clients and TARGET_GROUP_NL not in clients

    rejected = english_page(provider, f"/clienten/{world.waiting[0].id}", dutch_texts)
    assert "Target group" in rejected and TARGET_GROUP_EN in rejected
    assert REASON_EN in rejected and REASON_NL not in rejected
    assert "Phase move-on" in rejected and "Referred on 1 June 2019" in rejected

    english_page(provider, "/clienten/nieuw", dutch_texts)
    # The form's button refers the client: 'Aanmelden' also means 'sign in', its own text.
    form = provider.get("/clienten/nieuw").get_data(as_text=True)
    assert re.search(r"<button[^>]*>\s*Refer a client\s*</button>", form)
    assert "Sign in" not in visible_text(form)
    contingent = english_page(provider, "/contingent", dutch_texts)
    assert "Your contingent in" in contingent

    lease = english_page(provider, f"/huurcontracten/{world.lease.id}", dutch_texts)
    assert "flip lease" in lease and "Request transfer" in lease


def test_the_analyst_and_the_administrator_see_their_pages_in_english(
    signed_in, world, dutch_texts
):
    analyst = in_english(signed_in("analyst"))
    reports = english_page(analyst, "/rapportages", dutch_texts)
    assert "Key figures" in reports and re.search(r"Q\d \d{4}", reports)
    # The waiting table names target groups, the reasons table reasons: in English.
    assert TARGET_GROUP_EN in reports and TARGET_GROUP_NL not in reports
    assert REASON_EN in reports and "rent_too_high" not in reports
    year = english_page(analyst, "/rapportages/jaar?jaar=2019", dutch_texts)
    assert "Annual report 2019" in year and "Steering figures 2019" in year
    assert "Allocation decision against realisation" in year and "H1 2019" in year
    assert TARGET_GROUP_EN in year and TARGET_GROUP_NL not in year
    dashboard = english_page(analyst, "/dashboard", dutch_texts)
    assert "Demand and supply dashboard" in dashboard and TARGET_GROUP_EN in dashboard
    assert "Allocation decision" in dashboard and "Waiting clients per target group" in dashboard

    admin = in_english(signed_in("admin"))
    reasons = english_page(admin, "/beheer/redencodes", dutch_texts, shows_dutch_labels=True)
    assert REASON_EN in reasons and "Reason codes" in reasons
    for path in ("/beheer/gebruikers", "/beheer/organisaties", "/beheer/jaarparameters",
                 "/stuurcijfers"):
        english_page(admin, path, dutch_texts)


def test_an_error_page_is_english_too(signed_in, dutch_texts):
    provider = in_english(signed_in("care_provider"))
    response = provider.get("/clienten/999999")
    assert response.status_code == 404
    assert "Not found" in visible_text(response.get_data(as_text=True))
