"""The administrator's pages in a real browser: creating a user whose password is shown once,
deactivating that user, and every admin page checked for accessibility."""

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in


def test_the_administrator_creates_a_user_sees_the_password_once_and_deactivates_them(
    page, site, browser
):
    admin = site.user("Het Vierde Huis", "admin")
    sign_in(page, admin)
    page.goto("/beheer/gebruikers")
    page.get_by_role("link", name="Nieuwe gebruiker").click()
    page.get_by_label("E-mailadres").fill("nieuwe.collega@lister.example.org")
    page.get_by_label("Organisatie").select_option(label="Lister")
    page.get_by_label("Rol").select_option(label="zorgaanbieder")
    page.get_by_role("button", name="Gebruiker aanmaken").click()

    expect(page.get_by_role("heading", name="Gebruiker aangemaakt")).to_be_visible()
    password = page.get_by_test_id("new-password").inner_text().strip()
    assert len(password) >= 10
    check_accessibility(page)

    # The new colleague signs in with it in their own browser.
    colleague = browser.new_context(base_url=site.url, locale="nl-NL")
    their_page = colleague.new_page()
    their_page.goto("/aanmelden")
    their_page.get_by_label("E-mailadres").fill("nieuwe.collega@lister.example.org")
    their_page.get_by_label("Wachtwoord").fill(password)
    their_page.get_by_label("Wachtwoord").press("Enter")
    their_page.wait_for_load_state()
    assert "/aanmelden" not in their_page.url

    page.get_by_role("link", name="Naar de gebruiker").click()
    assert password not in page.content()  # shown once, then never again
    page.get_by_role("button", name="Deactiveren").click()
    expect(page.get_by_role("status")).to_contain_text("gedeactiveerd")
    expect(page.locator("dl.facts")).to_contain_text("gedeactiveerd")

    their_page.goto("/profiel")
    assert "/aanmelden" in their_page.url  # their session ended with the deactivation
    colleague.close()

    page.goto("/beheer/gebruikers")
    row = page.get_by_role("row").filter(has_text="nieuwe.collega@lister.example.org")
    expect(row).to_contain_text("gedeactiveerd")
    check_accessibility(page)
    screenshot(page, "admin")


def test_every_admin_page_passes_the_accessibility_check(page, site):
    admin = site.user("Het Vierde Huis", "admin")
    sign_in(page, admin)
    for path in (
        "/beheer/gebruikers",
        "/beheer/gebruikers?rol=admin",
        "/beheer/gebruikers/nieuw",
        f"/beheer/gebruikers/{admin.id}",
        "/beheer/organisaties",
        "/beheer/organisaties/1",
        "/beheer/redencodes",
        "/beheer/redencodes/nieuw",
        "/beheer/redencodes/other/wijzigen",
        "/beheer/jaarparameters?jaar=2021&parameter=aftoppingsgrens_low",
        "/beheer/jaarparameters?jaar=2031",
    ):
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        check_accessibility(page)


def test_refused_forms_show_their_errors_accessibly(page, site):
    sign_in(page, site.user("Het Vierde Huis", "admin"))
    page.goto("/beheer/gebruikers/nieuw")
    page.get_by_label("E-mailadres").fill("analist@mitros.example.org")
    page.get_by_label("Organisatie").select_option(label="Mitros")
    page.get_by_label("Rol").select_option(label="analist")
    page.get_by_role("button", name="Gebruiker aanmaken").click()
    expect(page.locator("#role-error")).to_contain_text("past niet bij een corporatie")
    expect(page.get_by_label("Rol")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)

    page.goto("/beheer/jaarparameters?jaar=2021")
    page.get_by_label("Parameter").select_option(value="mobw_task")
    page.get_by_label("Waarde", exact=True).fill("veel")
    page.get_by_role("button", name="Waarde opslaan").click()
    expect(page.locator("#value-error")).to_contain_text("Vul een getal in")
    check_accessibility(page)
