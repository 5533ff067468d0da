"""The matcher's day in a real browser: approve a referral, open the queue and a dwelling,
read the engine's suggestions, propose the top ones in one click, and record the client's
acceptance of the offer; every main page of the matcher passes the accessibility check."""

import re
from datetime import date

from playwright.sync_api import expect
from sqlmodel import select

from matching.models import Client, Dwelling, Proposal
from matching.services.proposals import decide_candidate
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.matcher_setup import referral, submitted_dwelling, waiting_clients


def test_the_matcher_approves_proposes_the_top_suggestions_and_records_the_acceptance(
    page, site,
):
    session = site.session
    matcher = site.user("Het Vierde Huis", "matcher")
    matcher.contingent_manager = True
    session.add(matcher)
    session.commit()
    lister = site.user("Lister", "care_provider")
    mitros = site.user("Mitros", "corporation")
    clients = waiting_clients(session, lister, matcher, 4)
    referral(session, lister, date(2026, 10, 1), reference="AANMELD-1")
    dwelling = submitted_dwelling(session, mitros, submitted_days_ago=3,
                                  address="Kanaalstraat 12, Utrecht")

    sign_in(page, matcher)

    # A care provider's referral: approved, the wait starts today.
    page.goto("/matcher/aanmeldingen")
    check_accessibility(page)
    page.get_by_role("button", name="Goedkeuren cliënt AANMELD-1, wachttijd vanaf vandaag").click()
    expect(page.get_by_role("status").first).to_contain_text("AANMELD-1 is goedgekeurd")

    # The queue, and the dwelling Mitros submitted.
    page.get_by_role("link", name="Wachtrij woningen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wachtrij woningen")
    check_accessibility(page)
    screenshot(page, "matcher")
    page.get_by_role("link", name="Kanaalstraat 12, Utrecht").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kanaalstraat 12, Utrecht")
    check_accessibility(page)

    # The suggestions: five waiting, all eligible, the longest waiting first, explained.
    expect(page.get_by_test_id("exclusions")).to_have_text("5 wachtend, 5 geschikt")
    table = page.get_by_role("table", name="Suggesties, de hoogste score eerst")
    first_row = table.locator("tbody tr").first
    expect(first_row).to_contain_text(f"#{clients[0].id} {clients[0].reference}")
    expect(first_row).to_contain_text("Wacht ")
    page.get_by_role("button", name="De bovenste 3 suggesties voorstellen").click()
    expect(page.get_by_role("status").first).to_contain_text("Ronde 1 is geopend met 3 kandidaten")
    expect(page.get_by_role("table", name="Kandidaten van ronde 1")).to_be_visible()

    # Mitros accepts the first candidate: the one-time offer is with the client.
    session.expire_all()
    proposal = session.exec(select(Proposal).where(Proposal.dwelling_id == dwelling.id)).one()
    decide_candidate(session, proposal_id=proposal.id, client_id=clients[0].id,
                     decision="accept", actor=mitros)

    page.get_by_role("link", name="Aanbiedingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanbiedingen")
    check_accessibility(page)
    row = page.get_by_role("row").filter(has_text="Kanaalstraat 12, Utrecht")
    expect(row).to_contain_text(clients[0].reference)
    row.get_by_role("link", name=re.compile("Afslaan vastleggen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antwoord op het aanbod")
    check_accessibility(page)
    page.go_back()
    page.get_by_role("row").filter(has_text="Kanaalstraat 12, Utrecht").get_by_role(
        "button", name="Cliënt accepteert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vastleggen dat de cliënt het aanbod accepteert?")
    check_accessibility(page)
    page.get_by_role("button", name="Ja, antwoord vastleggen").click()
    expect(page.get_by_role("status").first).to_contain_text("de cliënt accepteert het aanbod")
    session.expire_all()
    assert session.get(Dwelling, dwelling.id).state == "offer_accepted"
    assert session.get(Client, clients[0].id).state == "offer_accepted"

    page.get_by_role("link", name="Te late rondes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Te late rondes")
    check_accessibility(page)
    page.get_by_role("link", name="Contingenten").click()
    expect(page.get_by_role("button", name="Standaardcontingenten vaststellen")).to_be_visible()
    check_accessibility(page)
