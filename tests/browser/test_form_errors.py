"""A refused form in a real browser: the error summary has the focus without any script, its
links take the user to the field, the address stays the form's own; the district choices are
checkboxes with large targets."""

from tests.browser.conftest import check_accessibility, sign_in


def test_the_error_summary_takes_the_focus_and_its_links_reach_the_fields(page, site):
    provider = site.user("Lister", "care_provider")
    sign_in(page, provider)
    page.goto("/clienten/nieuw")
    # Large targets: each choice's row (box and label) is at least 44 px high.
    group = page.get_by_role("group", name="Uitgesloten wijken")
    rows = group.locator(".checkbox")
    assert rows.count() > 0
    for index in range(rows.count()):
        box = rows.nth(index).bounding_box()
        assert box is not None and box["height"] >= 44
    group.get_by_label("Overvecht").check()

    page.get_by_label("Eigen referentie").fill("Jan Jansen")
    page.get_by_role("button", name="Cliënt aanmelden", exact=True).click()
    page.wait_for_load_state()

    assert page.url.endswith("/clienten/nieuw")
    summary = page.get_by_test_id("error-summary")
    assert summary.is_visible()
    focused = page.evaluate("document.activeElement.dataset.testid || ''")
    assert focused == "error-summary"
    # What the user ticked is still ticked on the refused form.
    assert page.get_by_role("group", name="Uitgesloten wijken").get_by_label(
        "Overvecht").is_checked()
    check_accessibility(page)

    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "reference"
