"""The NL Design System in a real browser: the pages take the municipality of Utrecht's look
from its tokens and components (served from our own static files, nothing from elsewhere),
buttons and radio buttons are large targets, and a refused form shows the system's error
message beside its field."""

from playwright.sync_api import Page, Request

from tests.browser.conftest import check_accessibility, sign_in

UTRECHT_BLUE = "rgb(36, 87, 143)"  # --utrecht-color-blue-35: the primary action's colour


def _style(page: Page, selector: str, prop: str) -> str:
    return page.locator(selector).first.evaluate(
        "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop)


def test_the_pages_take_utrechts_look_from_our_own_files(page: Page, site) -> None:
    requested: list[str] = []

    def remember(request: Request) -> None:
        requested.append(request.url)

    page.on("request", remember)
    provider = site.user("Lister", "care_provider")
    sign_in(page, provider)
    page.goto("/clienten/nieuw")
    page.wait_for_load_state("networkidle")

    # Nothing fetched from anywhere but the application itself (no CDN, no web fonts).
    assert requested and all(url.startswith(site.url) for url in requested), requested
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href)")
    assert any(s.endswith("/static/vendor/utrecht/design-tokens/index.css") for s in sheets)
    assert any(s.endswith("/static/vendor/utrecht/component-library-css/index.css")
               for s in sheets)
    # The tokens apply (the utrecht-theme class) and the components use them.
    assert page.evaluate(
        "getComputedStyle(document.body).getPropertyValue('--utrecht-color-red-40').trim()")
    primary = page.get_by_role("button", name="Cliënt aanmelden", exact=True)
    assert "utrecht-button--primary-action" in (primary.get_attribute("class") or "")
    assert primary.evaluate("el => getComputedStyle(el).backgroundColor") == UTRECHT_BLUE
    assert primary.bounding_box()["height"] >= 44  # type: ignore[index]
    footer = page.locator("footer.utrecht-page-footer")
    assert footer.evaluate("el => getComputedStyle(el).color") == "rgb(255, 255, 255)"
    assert _style(page, ".utrecht-form-label", "font-weight") in ("600", "700")


def test_a_refused_field_shows_the_systems_error_message(page: Page, site) -> None:
    provider = site.user("Lister", "care_provider")
    sign_in(page, provider)
    page.goto("/clienten/nieuw")
    page.get_by_role("button", name="Cliënt aanmelden", exact=True).click()
    page.wait_for_load_state()

    message = page.locator(".utrecht-form-field-error-message").first
    assert message.is_visible()
    # The error colour is the theme's, and it reads on white (axe checks the ratio).
    assert message.evaluate("el => getComputedStyle(el).color") != "rgb(0, 0, 0)"
    field = page.locator(".utrecht-form-field--invalid").first
    assert field.count() == 1
    check_accessibility(page)


def test_radio_buttons_and_checkboxes_are_large_targets(page: Page, site) -> None:
    provider = site.user("Lister", "care_provider")
    sign_in(page, provider)
    page.goto("/clienten/nieuw")
    choices = page.locator(".utrecht-checkbox, .utrecht-radio-button")
    assert choices.count() > 0
    for index in range(choices.count()):
        control = choices.nth(index)
        box = control.bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24
        # box and label together: a row of at least 44 px
        row = control.locator("xpath=..").bounding_box()
        assert row is not None and row["height"] >= 44
