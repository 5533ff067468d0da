"""A care provider's day in a real browser: register a client, find it in the list, then
follow a flip lease whose review is due: postpone the review, and ask for the transfer."""

from datetime import timedelta

from sqlmodel import select

from matching.models import Lease, LeaseTransferRequest
from matching.services.clients import approve_client, register_client
from matching.services.timers import run_tick
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import ClientData
from tests.web.test_leases import at, let_flip_lease


def test_a_care_provider_registers_a_client_and_follows_its_flip_lease(page, site):
    provider = site.user("Lister", "care_provider")
    landlord = site.user("Mitros", "corporation")
    matcher = site.user("Het Vierde Huis", "matcher")
    # A Mitros dwelling let as a flip lease with Lister as tenant; its review is now due.
    lease = let_flip_lease(site.session, landlord, matcher, provider)
    run_tick(site.session, now=at(2021, 6, 1))
    # And a client approved five months ago: past the three-month ambition.
    waiting = register_client(site.session, data=ClientData(reference="LIS-2026-001"),
                              actor=provider)
    approve_client(site.session, client_id=waiting.id, actor=matcher,
                   waiting_since=local_date(utcnow()) - timedelta(days=150))

    sign_in(page, provider)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cliënten").click()
    page.get_by_role("link", name="Cliënt aanmelden").click()
    assert "geen namen, geen BSN en geen medische gegevens" in page.content()
    check_accessibility(page)

    page.get_by_label("Eigen referentie").fill("LIS-2026-007")
    page.get_by_label("Doelgroep", exact=True).select_option(label="Uitstroom MO/BW")
    page.get_by_label("Kinderen in het huishouden").fill("1")
    page.get_by_label("Geboortejaar").fill("1990")
    page.get_by_label("Jaarinkomen van het huishouden (euro)").fill("15000")
    page.get_by_label("begane grond").check()
    page.get_by_role("group", name="Uitgesloten wijken").get_by_label("Overvecht").check()
    page.get_by_label("Wij willen huurder zijn van een omklapcontract").check()
    page.get_by_label("Begeleiding na de verhuizing is toegezegd").check()
    page.get_by_label("Aangemeld op").fill("2026-11-02")
    page.get_by_role("button", name="Cliënt aanmelden", exact=True).click()

    # The client's page: registered, waiting for the matcher's approval.
    page.get_by_role("heading", name="Cliënt LIS-2026-007").wait_for()
    assert "is aangemeld" in page.content()
    assert "aangemeld" in page.locator(".badge").first.inner_text()
    check_accessibility(page)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cliënten").click()
    table = page.get_by_role("table", name="Cliënten, langst wachtend eerst")
    assert table.get_by_role("link", name="LIS-2026-007").is_visible()
    assert table.get_by_role("row", name="LIS-2026-001").get_by_text(
        "langer dan 3 maanden").is_visible()
    check_accessibility(page)
    screenshot(page, "care_provider")
    page.get_by_role("link", name="Cliënten uploaden").click()
    page.get_by_role("heading", name="Cliënten uploaden").wait_for()
    check_accessibility(page)

    # The flip lease: the review date has passed, so the list marks it in words.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Huurcontracten").click()
    assert "evaluatie te laat" in page.content()
    check_accessibility(page)
    page.get_by_role("link", name="Teststraat").first.click()
    page.get_by_role("heading", level=1).wait_for()
    assert "1 september 2021" in page.content()
    check_accessibility(page)

    page.get_by_label("Nieuwe evaluatiedatum").fill("2022-06-01")
    page.get_by_label("Waarom is de huurder nog niet klaar voor de omklap?").fill(
        "Nog niet zelfstandig genoeg met de administratie.")
    page.get_by_role("button", name="Evaluatie uitstellen").click()
    page.get_by_text("De evaluatie is uitgesteld.").wait_for()
    assert "1 juni 2022" in page.content()

    wished = local_date(utcnow()) + timedelta(days=30)
    page.get_by_label("Gewenste omklapdatum").fill(wished.isoformat())
    page.get_by_label("Toelichting voor de verhuurder (niet verplicht)").fill(
        "De bewoner is er klaar voor.")
    page.get_by_role("button", name="Omklap aanvragen").click()
    page.get_by_text("De omklap is aangevraagd").wait_for()
    assert "De bewoner is er klaar voor." in page.content()
    check_accessibility(page)

    site.session.expire_all()
    stored = site.session.get(Lease, lease.id)
    assert stored is not None and stored.state == "extended"  # asking did not transfer it
    request = site.session.exec(select(LeaseTransferRequest)).one()
    assert (request.lease_id, request.wished_on) == (lease.id, wished)
