"""The corporation's main journey in a real browser: a dwelling from the form to the lease.

Het Vierde Huis's part (waiting clients, a round of candidates, the client's answer to the
offer) is set up through the services; everything the corporation does goes through its
pages, with the keyboard where a person would use it.
"""

import re

from playwright.sync_api import Page, expect

from matching.services.dwellings import record_offer_answer
from matching.services.proposals import propose_candidates
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.corporation_data import waiting_clients


def _dwelling_id(page: Page) -> int:
    match = re.search(r"/corporatie/woningen/(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def test_a_corporation_submits_a_dwelling_decides_on_its_round_and_lets_it(page: Page, site):
    corporation = site.user("Mitros", "corporation")
    matcher = site.user("Het Vierde Huis", "matcher")
    provider = site.user("Lister", "care_provider")

    # Signing in opens the quarter page.
    sign_in(page, corporation)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kwartaal")
    check_accessibility(page)

    # A new dwelling through the form, typed and submitted with the keyboard.
    page.get_by_role("link", name="Woning toevoegen").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Woning toevoegen")
    check_accessibility(page)
    page.get_by_label("Adres").fill("Kanaalstraat 12, Utrecht")
    page.get_by_label("Postcode").fill("3531 ab")
    page.get_by_label("Wijk of U16-gemeente").select_option("West")
    page.get_by_label("Aantal kamers").fill("2")
    page.get_by_label("Woonoppervlak in m²").fill("48")
    page.get_by_label("Kale huur per maand in euro").fill("560,50")
    page.get_by_label("Er is een lift").press("Space")
    page.get_by_label("Beschikbaar vanaf").fill("2026-01-13")
    page.get_by_label("Adres").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kanaalstraat 12, Utrecht")
    expect(page.get_by_role("status")).to_contain_text("opgeslagen als concept")
    dwelling_id = _dwelling_id(page)
    check_accessibility(page)

    # Submitting it (voordragen).
    page.get_by_role("button", name="Voordragen aan Het Vierde Huis").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("voorgedragen aan Het Vierde Huis")
    expect(page.locator("main")).to_contain_text("voorgedragen")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Woningen").click()
    expect(page.get_by_role("table", name=re.compile("Uw woningen"))).to_contain_text(
        "Kanaalstraat 12, Utrecht")
    check_accessibility(page)
    page.get_by_role("link", name="Woningen uploaden").click()
    check_accessibility(page)

    # Het Vierde Huis proposes three waiting clients.
    clients = waiting_clients(site.session, provider=provider, matcher=matcher, count=3)
    propose_candidates(site.session, dwelling_id=dwelling_id,
                       client_ids=[c.id for c in clients], actor=matcher,
                       motivation="browser journey")

    # The quarter page now counts the submission and shows the round to decide on.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Kwartaal").click()
    expect(page.get_by_role("table", name="Voorstelrondes om over te beslissen")).to_contain_text(
        "Kanaalstraat 12, Utrecht")
    check_accessibility(page)
    screenshot(page, "corporation")

    # The inbox lists the round; its page shows the candidates.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Voorstellen").click()
    check_accessibility(page)
    page.get_by_role("link", name="Kanaalstraat 12, Utrecht").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ronde 1")
    expect(page.get_by_role("heading", name=re.compile("Kandidaat 1"))).to_be_visible()
    check_accessibility(page)

    # Reject the first candidate with a reason, then accept the second.
    rejection = page.get_by_role("group", name="Kandidaat 1 afwijzen")
    rejection.get_by_label("Reden van afwijzen").select_option("area_concentration")
    rejection.get_by_label("Toelichting").fill("Portiek heeft al veel begeleide huurders")
    rejection.get_by_role("button", name="Kandidaat 1 afwijzen").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kandidaat 1 afwijzen voor")
    page.get_by_role("button", name="Ja, kandidaat 1 afwijzen").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("De kandidaat is afgewezen.")
    expect(page.locator("main")).to_contain_text("Portiek heeft al veel begeleide huurders")
    page.get_by_role("button", name="Kandidaat 2 accepteren").press("Enter")
    # The confirmation page says what will happen and works from the keyboard.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kandidaat 2 accepteren voor")
    check_accessibility(page)
    page.get_by_role("button", name="Ja, kandidaat 2 accepteren").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("De kandidaat is gekozen.")

    # The client accepts the one-time offer; the corporation lets the dwelling. The set-up
    # session forgets what it loaded, since the pages have changed those rows since.
    site.session.expire_all()
    record_offer_answer(site.session, dwelling_id=dwelling_id, answer="accepted", actor=matcher)
    page.goto(f"/corporatie/woningen/{dwelling_id}")
    page.get_by_label("Ingangsdatum huurcontract").fill("2026-02-01")
    page.get_by_label("Soort huurcontract").select_option("direct")
    page.get_by_role("button", name="Woning verhuren").press("Enter")
    page.get_by_role("button", name="Ja, woning verhuren").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("De woning is verhuurd.")
    expect(page.locator("main")).to_contain_text("verhuurd")
