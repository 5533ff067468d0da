"""The municipality's analyst reads the quarter's figures in a real browser."""

from datetime import UTC, datetime

from matching.services.dwellings import create_dwelling, submit_dwelling
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import DwellingData, make_user


def test_the_analyst_reads_the_quarters_figures_and_downloads_them(page, site):
    corporation = make_user(site.session, "Mitros", "corporation")
    for _ in range(2):
        dwelling = create_dwelling(site.session, data=DwellingData(), actor=corporation)
        submit_dwelling(site.session, dwelling_id=dwelling.id, actor=corporation,
                        now=datetime(2019, 8, 1, 10, tzinfo=UTC))
    sign_in(page, site.user("Gemeente Utrecht", "analyst"))
    page.goto("/rapportages?kwartaal=2019Q3")
    assert page.get_by_role("heading", level=1).inner_text() == "Kerncijfers K3 2019"
    mitros = page.get_by_role("row", name="Mitros")
    # Quotum, Voorgedragen, ...: the two dwellings submitted in the quarter are Mitros's.
    header = [h.strip() for h in mitros.locator("xpath=ancestor::table[1]")
              .get_by_role("columnheader").all_inner_texts()]
    cells = [c.strip() for c in mitros.get_by_role("cell").all_inner_texts()]
    assert cells[header.index("Voorgedragen") - 1] == "2"
    check_accessibility(page)
    screenshot(page, "analyst")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "rapportage-2019Q3.csv"
    page.get_by_role("link", name="K2 2019").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kerncijfers K2 2019"
