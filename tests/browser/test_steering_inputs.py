"""The steering-inputs page in a real browser: the administrator corrects a refused quarter,
saves the year and records a rung, with the keyboard-labelled fields, accessibly, on a
laptop and at 390 px wide."""

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in


def test_the_administrator_enters_the_lettings_and_a_rung(page, site):
    sign_in(page, site.user("Het Vierde Huis", "admin"))
    page.get_by_role("link", name="Invoer stuurcijfers").click()
    page.get_by_label("Jaar", exact=True).fill("2025")
    page.get_by_role("button", name="Tonen").click()
    expect(page.locator("h1")).to_have_text("Invoer stuurcijfers 2025")

    page.get_by_label("Verhuringen in kwartaal 1").fill("612")
    page.get_by_label("Bron voor kwartaal 1").fill("WoningNet")
    page.get_by_label("Verhuringen in kwartaal 2").fill("veel")
    page.get_by_label("Bron voor kwartaal 2").fill("WoningNet")
    page.get_by_role("button", name="Verhuringen opslaan").click()
    expect(page.locator("#q2_total-error")).to_contain_text("Vul een heel aantal")
    expect(page.get_by_label("Verhuringen in kwartaal 2")).to_have_attribute(
        "aria-invalid", "true")
    expect(page.get_by_text("nog niet ingevoerd")).to_have_count(4)  # nothing half-saved
    check_accessibility(page)

    page.get_by_label("Verhuringen in kwartaal 2").fill("1.234")
    page.get_by_role("button", name="Verhuringen opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("K1 2025, K2 2025")
    expect(page.get_by_text("nog niet ingevoerd")).to_have_count(2)
    expect(page.get_by_text("0 van 3.221 verhuringen")).to_be_visible()

    page.get_by_label("Halfjaar").select_option(label="2e halfjaar 2022")
    page.get_by_label("Trede", exact=True).select_option(value="3")
    page.get_by_label("Toelichting: het besluit van de provincie").fill("Brief provincie")
    page.get_by_role("button", name="Trede vastleggen").click()
    expect(page.get_by_role("status")).to_contain_text("Trede 3 is vastgelegd")
    row = page.get_by_role("row").filter(has_text="2e halfjaar 2022")
    expect(row).to_contain_text("Brief provincie")
    check_accessibility(page)
    screenshot(page, "steering-inputs")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/stuurcijfers?jaar=2025")
    check_accessibility(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 390 px"
