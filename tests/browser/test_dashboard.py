"""The demand-supply dashboard in a real browser: every chart drawn, styled under the page's
security policy, with its data table beside it; accessible on a laptop and on a phone, where
nothing makes the page scroll sideways."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.dashboard_data import dashboard_year

PHONE = {"width": 390, "height": 844}
CAPTIONS = ("tabel-verdeelbesluit", "tabel-wachtenden", "tabel-wachttijd", "tabel-quotum",
            "tabel-statushouders")


def _policy_errors(page: Page) -> list[str]:
    """Collects what the browser refuses under the Content-Security-Policy from now on."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


def _check_charts_and_tables(page: Page) -> None:
    charts = page.locator("figure.chart svg[role=img]")
    expect(charts).to_have_count(5)
    for index in range(5):
        chart = charts.nth(index)
        assert chart.get_attribute("aria-label"), f"chart {index} has no name"
        assert chart.bounding_box()["width"] > 100, f"chart {index} is not drawn"
    # pygal's stylesheet arrived (the bars are the site's red, not SVG's default black).
    bar = page.locator("figure.chart .color-0 rect").first
    assert bar.evaluate("e => getComputedStyle(e).fill") == "rgb(179, 0, 15)"
    for caption in CAPTIONS:
        table = page.locator(f"table:has(caption#{caption})")
        expect(table).to_be_visible()
        assert table.locator("tbody tr").count() >= 1, caption


@pytest.mark.parametrize("role", ["matcher", "analyst"])
def test_the_dashboard_shows_its_charts_with_their_tables_on_a_laptop_and_a_phone(
    page, site, role
):
    organisation = {"matcher": "Het Vierde Huis", "analyst": "Gemeente Utrecht"}[role]
    people = {"corporation": site.user("Mitros", "corporation"),
              "care_provider": site.user("Lister", "care_provider"),
              "matcher": site.user("Het Vierde Huis", "matcher")}
    dashboard_year(site.session, people)
    reader = people["matcher"] if role == "matcher" else site.user(organisation, role)
    refused = _policy_errors(page)
    sign_in(page, reader)

    # The menu leads there; it opens on the latest quarter with dwellings, as the reports do.
    page.get_by_role("link", name="Dashboard").click()
    assert page.url.endswith("/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dashboard vraag en aanbod K2 2025")
    _check_charts_and_tables(page)
    waiting = page.locator("table:has(caption#tabel-wachtenden)")
    expect(waiting.get_by_role("row", name="Statushouders (vergunninghouders)")).to_contain_text(
        "x" if role == "analyst" else "2")
    check_accessibility(page)
    screenshot(page, f"dashboard-{role}")

    page.set_viewport_size(PHONE)
    page.reload()
    _check_charts_and_tables(page)
    check_accessibility(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone: {width} px"
    for svg in page.locator("figure.chart svg").all():
        box = svg.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, f"dashboard-{role}-phone")
    assert not refused, refused
