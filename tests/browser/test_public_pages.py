"""The public pages a visitor sees before signing in: the home page and the footer's
statements, reached from the footer, accessible and without sideways scrolling on a phone."""

import pytest

from tests.browser.conftest import check_accessibility

PAGES = ["/", "/privacy", "/toegankelijkheid", "/contact"]


@pytest.mark.parametrize("width", [390, 1366])
def test_the_public_pages_are_accessible_and_fit_the_screen(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in PAGES:
        page.goto(path)
        check_accessibility(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"


def test_a_visitor_reaches_each_statement_from_the_footer(page):
    for name, path in (("Privacyverklaring", "/privacy"),
                       ("Toegankelijkheidsverklaring", "/toegankelijkheid"),
                       ("Contact", "/contact")):
        page.goto("/")
        page.get_by_role("contentinfo").get_by_role("link", name=name).click()
        page.wait_for_load_state()
        assert page.url.endswith(path)
        assert page.get_by_role("heading", level=1).inner_text() == name
