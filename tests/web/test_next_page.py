"""After signing in or switching the language the browser goes back to a page on this site,
never to another host, whatever `next` holds: as a browser reads the Location (dropping tabs
and newlines, reading a backslash as a slash), and never by way of a 500."""

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import csrf_token

SITE = "https://matching.example"
_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))

HOSTILE = [
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r/x",
    "/\r\nSet-Cookie: x=1",
    "\t//evil.example/",
    " //evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\x00/evil.example/",
    "/\x7f/evil.example/",
    "/\u3000/evil.example/",
    "/\u200b/evil.example/",
    "evil.example",
]
KEPT = ["/aanmelden", "/clienten?state=registered", "/profiel#tokens", "/a%2F%2Fb"]


def browser_host(location: str) -> str:
    """The host a browser lands on for this Location, read from a page of this site: the URL
    parser drops tabs and newlines, trims C0 controls and spaces, and reads '\\' as '/'."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip(_C0_AND_SPACE).replace("\\", "/")
    return urlsplit(urljoin(f"{SITE}/aanmelden", cleaned)).netloc


def _switch(client, next_page: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/aanmelden")
    return client.post("/taal", data={"lang": "en", "csrf_token": token, "next": next_page})


@pytest.mark.parametrize("next_page", HOSTILE)
def test_sign_in_with_a_hostile_next_lands_on_this_site(client, users, next_page):
    token = csrf_token(client, "/aanmelden")
    response = client.post(f"/aanmelden?next={quote(next_page, safe='')}", data={
        "email": users["matcher"].email, "password": "correct horse battery",
        "csrf_token": token,
    })
    assert response.status_code == 302
    assert browser_host(response.headers["Location"]) == urlsplit(SITE).netloc
    assert "evil" not in response.headers["Location"]
    assert client.get("/profiel").status_code == 200  # signed in, and the session works


@pytest.mark.parametrize("next_page", HOSTILE)
def test_the_language_switch_with_a_hostile_next_stays_on_this_site(client, next_page):
    response = _switch(client, next_page)
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]
    assert browser_host(response.headers["Location"]) == urlsplit(SITE).netloc


@pytest.mark.parametrize("next_page", KEPT)
def test_a_path_on_this_site_is_where_sign_in_and_the_switch_go(client, users, next_page):
    assert _switch(client, next_page).headers["Location"] == next_page
    response = client.post(f"/aanmelden?next={quote(next_page, safe='')}", data={
        "email": users["matcher"].email, "password": "correct horse battery",
        "csrf_token": csrf_token(client, "/aanmelden"),
    })
    assert response.headers["Location"] == next_page


def test_a_next_with_letters_beyond_ascii_is_sent_percent_encoded(client):
    location = _switch(client, "/clienten?zoek=Zoë").headers["Location"]
    assert location == "/clienten?zoek=Zo%C3%AB"


def test_a_signed_in_switch_with_a_hostile_next_changes_the_language_and_stays(signed_in):
    browser = signed_in("analyst")
    token = csrf_token(browser, "/profiel")
    response = browser.post("/taal", data={"lang": "en", "csrf_token": token,
                                           "next": "/%0d/x".replace("%0d", "\r")})
    assert response.status_code == 302
    assert browser_host(response.headers["Location"]) == urlsplit(SITE).netloc
    assert '<html lang="en">' in browser.get("/profiel").get_data(as_text=True)


next_values = st.one_of(
    st.text(max_size=40),
    st.builds(lambda head, tail: head + tail,
              st.sampled_from(["/", "//", "/\t/", "\\", "/\\", " /", "http:", "/%09/", "/."]),
              st.text(st.characters(codec="utf-8"), max_size=30)),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(next_page=next_values)
def test_no_next_value_sends_the_browser_off_the_site_or_answers_500(app, next_page):
    client = app.test_client()
    response = _switch(client, next_page)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.isascii() and location.startswith("/")
    assert browser_host(location) == urlsplit(SITE).netloc
