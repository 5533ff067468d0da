"""The 2019 new approach (Bijlage 5) through the pages only, from submission to the omklap:
the corporation submits, Het Vierde Huis proposes the engine's top three, the corporation
rejects all three with reasons, a second round follows without them, the corporation accepts,
the client accepts the one-time offer, the corporation lets the dwelling on a flip lease and
later transfers it to the client. Only the waiting clients are set up through the services."""

import re
from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect

from matching.services.timers import run_tick
from tests.browser.conftest import LiveSite, sign_in
from tests.matcher_setup import waiting_clients


def _page_for(browser: Browser, site: LiveSite) -> Page:
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="nl-NL", base_url=site.url
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def _status(page: Page):  # type: ignore[no-untyped-def]
    return expect(page.get_by_role("status").first)


def test_bijlage5_from_submission_to_omklap_through_the_pages(browser: Browser, site: LiveSite):
    portaal = site.user("Portaal", "corporation")
    matcher = site.user("Het Vierde Huis", "matcher")
    lister = site.user("Lister", "care_provider")
    clients = waiting_clients(site.session, lister, matcher, 4, flip_lease_ok=True)
    corporation, agency = _page_for(browser, site), _page_for(browser, site)
    sign_in(corporation, portaal)
    sign_in(agency, matcher)

    # 1. Portaal submits a flip-lease dwelling in Overvecht.
    corporation.goto("/corporatie/woningen/nieuw")
    corporation.get_by_label("Adres").fill("Marshallaan 3, Utrecht")
    corporation.get_by_label("Postcode").fill("3527 TK")
    corporation.get_by_label("Wijk of U16-gemeente").select_option("Overvecht")
    corporation.get_by_label("Aantal kamers").fill("2")
    corporation.get_by_label("Woonoppervlak in m²").fill("52")
    corporation.get_by_label("Kale huur per maand in euro").fill("540,00")
    corporation.locator("select[name=lease_type]").select_option("flip")
    corporation.get_by_label("Beschikbaar vanaf").fill("2026-12-15")
    corporation.get_by_role("button", name=re.compile("opslaan", re.I)).first.click()
    expect(corporation.get_by_role("heading", level=1)).to_have_text("Marshallaan 3, Utrecht")
    dwelling_url = corporation.url
    corporation.get_by_role("button", name="Voordragen aan Het Vierde Huis").click()
    _status(corporation).to_contain_text("voorgedragen")

    # 2. Het Vierde Huis finds it in the queue and proposes the engine's top three.
    agency.goto("/matcher/wachtrij")
    agency.get_by_role("link", name="Marshallaan 3, Utrecht").click()
    agency.get_by_role("button", name="De bovenste 3 suggesties voorstellen").click()
    _status(agency).to_contain_text("Ronde 1 is geopend met 3 kandidaten")

    # 3. Portaal rejects all three, each with a reason.
    corporation.goto("/corporatie/voorstellen")
    corporation.get_by_role("link", name="Marshallaan 3, Utrecht").click()
    expect(corporation.get_by_role("heading", level=1)).to_contain_text("Ronde 1")
    for number in (1, 2, 3):
        group = corporation.get_by_role("group", name=f"Kandidaat {number} afwijzen")
        group.get_by_label("Reden van afwijzen").select_option("liveability_complex")
        group.get_by_label("Toelichting").fill("Complex heeft al veel begeleide huurders")
        group.get_by_role("button", name=f"Kandidaat {number} afwijzen").click()
        # Rejecting asks once more, saying what will happen.
        expect(corporation.get_by_role("list").filter(has_text="wordt afgewezen voor")
               ).to_contain_text("Marshallaan 3, Utrecht")
        corporation.get_by_role("button", name=f"Ja, kandidaat {number} afwijzen").click()
        _status(corporation).to_contain_text("afgewezen")
    _status(corporation).to_contain_text("Alle kandidaten zijn afgewezen")

    # 4. The dwelling is back in the queue; the second round leaves the rejected three out.
    agency.goto("/matcher/wachtrij")
    agency.get_by_role("link", name="Marshallaan 3, Utrecht").click()
    suggestions = agency.get_by_role("table", name="Suggesties, de hoogste score eerst")
    expect(suggestions.locator("tbody tr")).to_have_count(1)
    expect(suggestions).to_contain_text(clients[3].reference)
    agency.get_by_role("button", name=re.compile("De bovenste .*suggesties? voorstellen")).click()
    _status(agency).to_contain_text("Ronde 2 is geopend met 1 kandidaat")

    # 5. Portaal accepts the candidate of round 2.
    corporation.goto("/corporatie/voorstellen")
    corporation.get_by_role("link", name="Marshallaan 3, Utrecht").click()
    expect(corporation.get_by_role("heading", level=1)).to_contain_text("Ronde 2")
    corporation.get_by_role("button", name="Kandidaat 1 accepteren").click()
    # Accepting asks once more, saying what will happen.
    expect(corporation.get_by_role("list").filter(has_text="wordt gekozen voor")).to_contain_text(
        "Marshallaan 3, Utrecht")
    corporation.get_by_role("button", name="Ja, kandidaat 1 accepteren").click()
    _status(corporation).to_contain_text("De kandidaat is gekozen.")

    # 6. The client accepts the one-time offer, recorded by Het Vierde Huis.
    agency.goto("/matcher/aanbiedingen")
    agency.get_by_role("row").filter(has_text="Marshallaan 3, Utrecht").get_by_role(
        "button", name="Cliënt accepteert").click()
    agency.get_by_role("button", name="Ja, antwoord vastleggen").click()
    _status(agency).to_contain_text("de cliënt accepteert het aanbod")

    # 7. Portaal lets the dwelling on a flip lease: Lister is the tenant.
    corporation.goto(dwelling_url)
    corporation.get_by_label("Ingangsdatum huurcontract").fill("2027-01-01")
    corporation.get_by_label("Soort huurcontract").select_option("flip")
    corporation.get_by_role("button", name="Woning verhuren").click()
    expect(corporation.locator("main")).to_contain_text("gaat in op 1 januari 2027")
    corporation.get_by_role("button", name="Ja, woning verhuren").click()
    _status(corporation).to_contain_text("De woning is verhuurd.")

    # 8. Three months before the review date the timer marks the review due; the lease then
    #    passes to the client (omklap).
    run_tick(site.session, now=datetime(2028, 10, 2, 9, tzinfo=UTC))
    # Nearly two years on, that tick also cleared the sessions unused for a month.
    sign_in(corporation, portaal)
    sign_in(agency, matcher)
    corporation.goto("/huurcontracten")
    corporation.get_by_role("link", name=re.compile("Marshallaan 3")).first.click()
    corporation.get_by_label("Omklap per").fill("2029-01-01")
    corporation.get_by_role("button", name="Contract omklappen").click()
    expect(corporation.locator("main")).to_contain_text("is de cliënt zelf de huurder")
    corporation.get_by_role("button", name="Ja, contract omklappen").click()
    expect(corporation.locator("main")).to_contain_text("omgeklapt")
    agency.goto(f"/clienten/{clients[3].id}")
    expect(agency.locator("main")).to_contain_text("gehuisvest")
