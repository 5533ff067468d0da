"""The matcher's dwelling page tells the whole story where the next round is decided: the
dwelling's history with the reasons given, and why a dwelling is back in the queue."""

import re

import pytest
from sqlmodel import Session

from matching.services.dwellings import record_offer_answer
from matching.services.proposals import decide_candidate
from matching.services.round_escalation import cancel_round
from tests.matcher_setup import matched, proposed, submitted_dwelling, waiting_clients
from tests.web.conftest import csrf_token


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _history(page: str) -> str:
    """The history table's rows (the part of the page after its heading)."""
    assert "<h2>Geschiedenis</h2>" in page
    return page.split("<h2>Geschiedenis</h2>")[1]


@pytest.fixture
def world(reference: Session, users):  # type: ignore[no-untyped-def]
    clients = waiting_clients(reference, users["care_provider"], users["matcher"], 3)
    dwelling = submitted_dwelling(reference, users["corporation"], submitted_days_ago=3,
                                  address="Verhaalstraat 7, Utrecht")
    return {"clients": clients, "dwelling": dwelling}


def test_a_fresh_dwelling_shows_its_history_and_no_reason_for_being_back(signed_in, world):
    page = _text(signed_in("matcher").get(f"/matcher/woningen/{world['dwelling'].id}"))
    assert 'data-testid="requeued"' not in page
    history = _history(page)
    assert "voordragen" in history  # the corporation's submission, as on its own page


def test_a_declined_offer_is_in_the_history_and_says_why_the_dwelling_is_back(
    reference, users, signed_in, world,
):
    dwelling = world["dwelling"]
    client = matched(reference, users["corporation"], dwelling, world["clients"], users["matcher"])
    record_offer_answer(reference, dwelling_id=dwelling.id, answer="declined",
                        reason_code="location_unsuitable", valid=True,
                        motivation="Te ver van de dagbesteding", actor=users["matcher"])
    page = _text(signed_in("matcher").get(f"/matcher/woningen/{dwelling.id}"))
    note = page.split('data-testid="requeued">')[1].split("</p>")[0]
    assert f"cliënt #{client.id} heeft het aanbod afgeslagen" in note
    assert "Locatie of woonomgeving ongeschikt voor cliënt" in note
    assert "Te ver van de dagbesteding" in note
    history = _history(page)
    # The whole story: proposed, chosen, declined with its reason, in that order.
    assert (history.index("kandidaten voorgesteld door Het Vierde Huis")
            < history.index("kandidaat gekozen")
            < history.index("aanbod afgeslagen door de cliënt"))
    declined_row = history.split("aanbod afgeslagen door de cliënt")[1].split("</tr>")[0]
    assert "Locatie of woonomgeving ongeschikt voor cliënt" in declined_row
    assert f"cliënt #{client.id}" in declined_row


def test_a_round_whose_candidates_were_all_rejected_says_so(reference, users, signed_in, world):
    dwelling, clients = world["dwelling"], world["clients"][:2]
    proposal = proposed(reference, dwelling, clients, users["matcher"])
    for client in clients:
        decide_candidate(reference, proposal_id=proposal.id, client_id=client.id,
                         decision="reject", reason_code="size_mismatch",
                         actor=users["corporation"])
    page = _text(signed_in("matcher").get(f"/matcher/woningen/{dwelling.id}"))
    note = page.split('data-testid="requeued">')[1].split("</p>")[0]
    assert "de corporatie heeft alle kandidaten van ronde 1 afgewezen" in note
    assert "terug naar Het Vierde Huis voor een nieuwe ronde" in _history(page)


def test_a_cancelled_round_gives_the_reason_it_was_cancelled(reference, users, signed_in, world):
    dwelling = world["dwelling"]
    proposal = proposed(reference, dwelling, world["clients"][:1], users["matcher"])
    cancel_round(reference, proposal_id=proposal.id, reason="Corporatie reageert niet",
                 actor=users["matcher"])
    page = _text(signed_in("matcher").get(f"/matcher/woningen/{dwelling.id}"))
    note = page.split('data-testid="requeued">')[1].split("</p>")[0]
    assert "ronde 1 is geannuleerd" in note and "Corporatie reageert niet" in note



def test_the_reason_for_being_back_is_said_in_english_too(reference, users, signed_in, world):
    dwelling = world["dwelling"]
    client = matched(reference, users["corporation"], dwelling, world["clients"], users["matcher"])
    record_offer_answer(reference, dwelling_id=dwelling.id, answer="declined",
                        reason_code="location_unsuitable", valid=True, actor=users["matcher"])
    browser = signed_in("matcher")
    browser.post("/taal", data={"lang": "en", "csrf_token": csrf_token(browser, "/profiel"),
                                "next": "/profiel"})
    page = _text(browser.get(f"/matcher/woningen/{dwelling.id}"))
    note = page.split('data-testid="requeued">')[1].split("</p>")[0]
    assert f"client #{client.id} declined the offer" in note
    assert "Location or surroundings unsuitable for the client" in note
