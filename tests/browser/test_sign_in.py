"""Signing in and out in a real browser, with the keyboard, on an accessible page."""

from tests.browser.conftest import check_accessibility, sign_in, sign_out


def test_a_user_signs_in_with_the_keyboard_and_out_again(page, site):
    user = site.user("Het Vierde Huis", "admin")
    page.goto("/aanmelden")
    check_accessibility(page)
    sign_in(page, user)
    page.goto("/profiel")
    assert user.email in page.content()
    check_accessibility(page)
    sign_out(page)
    page.goto("/profiel")
    assert "/aanmelden" in page.url
