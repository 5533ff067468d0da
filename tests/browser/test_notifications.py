"""Notifications in a real browser: the corporation's bell counts a round opened for its
dwelling, the notification leads to the round and is read; the e-mail preferences are saved;
and Het Vierde Huis gives a late round more time from the overdue list. Every page passes
the accessibility check."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from matching.services.dwellings import create_dwelling, submit_dwelling
from matching.services.proposals import propose_candidates
from matching.services.round_escalation import latest_extended_deadline
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.corporation_data import open_round, waiting_clients
from tests.factories import DwellingData


def _bell(page: Page):
    # Its name starts with 'Meldingen,'; the matcher's menu also has 'Aanmeldingen'.
    return page.get_by_role("link", name=re.compile(r"^Meldingen,"))


def test_the_corporation_sees_the_bell_count_opens_the_round_and_sets_its_e_mail(
    page: Page, site
):
    corporation = site.user("Mitros", "corporation")
    matcher = site.user("Het Vierde Huis", "matcher")
    provider = site.user("Lister", "care_provider")
    dwelling = create_dwelling(site.session, data=DwellingData(
        address="Belstraat 12, Utrecht"), actor=corporation)
    submit_dwelling(site.session, dwelling_id=dwelling.id, actor=corporation)

    sign_in(page, corporation)
    expect(_bell(page)).to_have_accessible_name("Meldingen, geen ongelezen")

    # Het Vierde Huis opens a round for the dwelling while the corporation is signed in.
    clients = waiting_clients(site.session, provider=provider, matcher=matcher, count=2)
    proposal = propose_candidates(site.session, dwelling_id=dwelling.id,
                                  client_ids=[c.id for c in clients], actor=matcher,
                                  motivation="browser test")
    page.reload()
    expect(_bell(page)).to_have_accessible_name("Meldingen, 1 ongelezen")
    expect(_bell(page)).to_have_text(re.compile(r"Meldingen\s*1"))

    _bell(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen")
    notices = page.get_by_role("list", name="Uw meldingen, de nieuwste eerst")
    expect(notices.get_by_role("listitem")).to_have_count(1)
    expect(notices).to_contain_text("Ongelezen")
    check_accessibility(page)
    screenshot(page, "notifications")

    notices.get_by_role("link", name=re.compile("Nieuwe voorstelronde 1 voor Belstraat 12")).click()
    expect(page).to_have_url(re.compile(rf"/corporatie/voorstellen/{proposal.id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ronde 1")
    expect(_bell(page)).to_have_accessible_name("Meldingen, geen ongelezen")

    # The e-mail preferences, reached from the profile page.
    page.get_by_role("link", name=re.compile(corporation.email)).click()
    page.get_by_role("link", name="Voorkeuren voor meldingen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen per e-mail")
    check_accessibility(page)
    page.get_by_role("group", name="Nieuwe voorstelronde voor een woning").get_by_label(
        "Dagelijks overzicht (08:00)").check()
    page.get_by_role("group", name="Taal van de e-mail").get_by_label("English").check()
    page.get_by_role("button", name="Voorkeuren opslaan").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Uw voorkeuren voor meldingen zijn "
                                                       "opgeslagen.")
    expect(page.get_by_role("group", name="Nieuwe voorstelronde voor een woning").get_by_label(
        "Dagelijks overzicht (08:00)")).to_be_checked()
    check_accessibility(page)
    screenshot(page, "notification_preferences")


def test_the_matcher_gives_a_late_round_more_time_from_the_overdue_list(page: Page, site):
    corporation = site.user("Mitros", "corporation")
    matcher = site.user("Het Vierde Huis", "matcher")
    provider = site.user("Lister", "care_provider")
    late = open_round(site.session, corporation=corporation, provider=provider, matcher=matcher,
                      address="Laatstraat 9, Utrecht", proposed_at=utcnow() - timedelta(days=30))
    new_deadline = latest_extended_deadline(site.session, local_date(utcnow()))

    sign_in(page, matcher)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Te late rondes").click()
    page.get_by_role("link", name=re.compile(
        r"Verlengen of annuleren\s*: ronde 1 voor Laatstraat 9")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ronde 1 voor Laatstraat 9, Utrecht")
    check_accessibility(page)

    page.get_by_label("Nieuwe beslistermijn").fill(new_deadline.isoformat())
    page.get_by_label("Waarom krijgt de corporatie meer tijd?").fill("Keuring loopt nog")
    page.get_by_role("button", name="Termijn verlengen").click()
    expect(page.get_by_role("status")).to_contain_text("De beslistermijn is verlengd tot")
    expect(page.locator("main")).to_contain_text("De termijn is al verlengd")
    expect(page.get_by_role("button", name="Termijn verlengen")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/matcher/rondes/{late.proposal.id}$"))
    check_accessibility(page)
    screenshot(page, "matcher_round")
