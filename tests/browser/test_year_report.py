"""The year report in a real browser: the agency reads the steering figures, on a laptop and
on a phone, and the page stays accessible."""

import re
from datetime import UTC, datetime

from matching.services.dwellings import create_dwelling, submit_dwelling
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import DwellingData, make_user


def test_the_agency_reads_the_year_with_its_steering_figures_on_a_laptop_and_a_phone(page, site):
    corporation = make_user(site.session, "Mitros", "corporation")
    dwelling = create_dwelling(site.session, data=DwellingData(), actor=corporation)
    submit_dwelling(site.session, dwelling_id=dwelling.id, actor=corporation,
                    now=datetime(2025, 2, 3, 10, tzinfo=UTC))
    sign_in(page, site.user("Het Vierde Huis", "matcher"))
    page.goto("/rapportages?kwartaal=2025Q1")
    page.get_by_role("link", name="Sturingscijfers 2025").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Jaarrapportage 2025"
    assert page.get_by_role("heading", name="Verdeelbesluit tegen realisatie").is_visible()
    places = page.get_by_role("table", name="Verdeelbesluit 2025 per groep")
    assert "Statushouders" in places.inner_text()
    check_accessibility(page)
    screenshot(page, "year-report")
    with page.expect_download() as download:
        # The link names its figure to a screen reader: "Download CSV: Verdeelbesluit ...".
        page.get_by_role("link", name=re.compile(r"^Download CSV\s*: Verdeelbesluit")).click()
    assert download.value.suggested_filename == "rapportage-2025-verdeelbesluit.csv"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    check_accessibility(page)
    screenshot(page, "year-report-phone")
    page.get_by_role("link", name="2026 →").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Jaarrapportage 2026"
