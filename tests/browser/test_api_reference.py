"""The API reference page for people: reachable without signing in, and accessible."""

from playwright.sync_api import Page

from tests.browser.conftest import check_accessibility


def test_the_api_reference_page_lists_the_operations_and_is_accessible(page: Page):
    page.goto("/api/v1/docs")
    assert page.locator("h1").count() == 1
    assert page.locator("h3").filter(has_text="POST /api/v1/dwellings").first.is_visible()
    # The header to send is shown as text, not swallowed as an HTML tag.
    assert page.get_by_text("Authorization: Bearer <token>").is_visible()
    check_accessibility(page)


def test_the_api_reference_fits_a_phone_its_long_paths_wrapping(page: Page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/api/v1/docs")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width} px"
