"""The second factor in a real browser: an administrator is sent to set it up, scans (here:
types) the secret into an app, keeps the recovery codes, and signs in again with a code; a
recovery code signs in once. Each page is checked for accessibility."""

import time

import pyotp
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, check_accessibility, screenshot, sign_out


def _password(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/aanmelden")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_load_state()


def test_an_administrator_sets_up_the_second_factor_and_signs_in_with_a_code(page, site):
    admin = site.user("Het Vierde Huis", "admin", second_factor=False)
    _password(page, admin.email)

    # Sent to set it up, whatever page comes next.
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    page.goto("/beheer/gebruikers")
    expect(page).to_have_url(f"{site.url}/profiel/tweestapsverificatie")
    expect(page.get_by_role("img", name="QR-code om in uw app te scannen")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "two-factor-enrol")

    secret = page.get_by_test_id("secret").inner_text().replace(" ", "")
    app = pyotp.TOTP(secret)
    code_field = page.get_by_label("Code uit uw app")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    expect(code_field).to_have_attribute("inputmode", "numeric")
    code_field.fill(app.now())
    code_field.press("Enter")

    expect(page.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    check_accessibility(page)
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    expect(page.get_by_role("heading", name="Gebruikers")).to_be_visible()
    sign_out(page)

    # Signing in again: the password, then the code the app shows (the next one, as the
    # code just used for the set-up is spent).
    _password(page, admin.email)
    expect(page.get_by_role("heading", name="Code invullen")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Code uit uw app").fill(app.at(time.time() + 30))
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    expect(page.get_by_role("heading", name="Gebruikers")).to_be_visible()
    sign_out(page)

    # Without the app: a recovery code, once.
    for attempt in range(2):
        _password(page, admin.email)
        page.get_by_text("Geen toegang tot uw app? Gebruik een herstelcode").click()
        page.get_by_label("Herstelcode").fill(codes[0])
        page.get_by_role("button", name="Aanmelden met herstelcode").click()
        page.wait_for_load_state()
        if attempt == 0:
            expect(page.get_by_role("heading", name="Gebruikers")).to_be_visible()
            sign_out(page)
    expect(page.locator("#recovery_code-error")).to_contain_text("al gebruikt")
    expect(page.get_by_label("Herstelcode")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)
    screenshot(page, "two-factor-recovery-code")


def test_a_download_after_a_while_asks_to_confirm_the_password_on_an_accessible_page(
    page, site,
):
    from tests.browser.conftest import sign_in

    analyst = site.user("Gemeente Utrecht", "analyst")
    sign_in(page, analyst)
    page.goto("/bevestigen?next=/rapportages")
    expect(page.get_by_role("heading", name="Bevestig dat u het bent")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(f"{site.url}/rapportages")
