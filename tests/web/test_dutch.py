"""Dutch through and through: no page of any role, in Dutch, shows an English sentence from a
library or a note meant for developers, numbers carry a decimal comma, quarters read
`K4 2026`; and the error pages speak the user's language in both languages.

The sweep opens every GET page of the web app for every role (the id pages filled in as
tests/web/test_isolation.py does) and reads the text a user sees."""

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from matching.models import User
from matching.services.dwellings import create_dwelling
from matching.web.i18n import dated, number, policy
from tests.conftest import new_application
from tests.factories import DwellingData
from tests.web.conftest import csrf_token, sign_in
from tests.web.test_english import in_english, visible_text
from tests.web.test_isolation import (  # noqa: F401  (world is a fixture used below)
    ANY_PARAMETER,
    USERS,
    World,
    _fill,
    _get_rules,
    _id_page,
    world,
)

# Sentences and words that give away a library's English default or a developer's note.
TELL_TALES = (
    # werkzeug's and Flask's default descriptions of HTTP errors
    "The requested URL", "the server", "You don't have the permission", "Not Found",
    "Forbidden", "Internal Server Error", "Method Not Allowed", "The browser (or proxy)",
    "If you entered the URL manually", "Bad Request", "Unauthorized",
    # Flask-Login's and WTForms' defaults
    "Please log in", "This field is required", "Not a valid", "Invalid value",
    "CSRF token", "Field must be",
    # notes for developers, from the seeds or the code
    "assumption", "product.md", "api-contract", "domain-brief", "design.md", "TODO",
    "FIXME", "ranking-1", "Traceback", "None", "snake_case", "is_assumption",
)
# A number with a decimal point (`9.5`, `17.0`), a quarter code (`2026Q4`), an ISO date.
# A standard's version (WCAG 2.1) is a name, not a number.
ENGLISH_NUMBER = re.compile(r"(?<!WCAG )(?<!WCAG\) )(?<![\d.,])\d+\.\d{1,2}(?![\d.,])")
QUARTER_CODE = re.compile(r"\b\d{4}Q[1-4]\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _problems(text: str) -> list[str]:
    found = [tale for tale in TELL_TALES if re.search(rf"\b{re.escape(tale)}\b", text)]
    for pattern in (ENGLISH_NUMBER, QUARTER_CODE, ISO_DATE):
        found += pattern.findall(text)
    return found


def _pages_of(app: Flask, user: str, objects: World) -> list[str]:
    """Every page the user may open: the pages without a parameter and its id pages."""
    pages = []
    for rule in _get_rules(app):
        found = _id_page(rule)
        if found is not None:
            _, kind, access = found
            if access.get(user) == 200:
                pages.append(_fill(rule, objects.ids[kind]))
        elif not ANY_PARAMETER.search(rule):
            pages.append(rule)
    return pages


def test_no_page_of_any_role_shows_english_from_a_library_or_a_developer_note(
    app: Flask, request: pytest.FixtureRequest, signed_in: Callable[[str], FlaskClient],
):
    objects: World = request.getfixturevalue("world")  # test_isolation's objects of every kind
    checked: dict[str, int] = {}
    wrong: list[tuple[str, str, list[str]]] = []
    for user in USERS:
        browser = signed_in(user)
        for path in _pages_of(app, user, objects):
            response = browser.get(path)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            page = response.get_data(as_text=True)
            assert '<html lang="nl">' in page, path
            checked[user] = checked.get(user, 0) + 1
            found = _problems(visible_text(page))
            if found:
                wrong.append((user, path, found))
    # Every role reached its own pages; a sweep of nothing would pass.
    assert set(checked) == set(USERS) and min(checked.values()) >= 3, checked
    assert sum(checked.values()) >= 60, checked
    assert not wrong, "Dutch pages with English or notes (user, page, found):\n" + "\n".join(
        map(str, wrong))


def test_the_tell_tale_check_finds_what_it_looks_for():
    assert _problems("Not Found. The requested URL was not found on the server.")
    assert _problems("Bron: assumption: product.md s7 default") == [
        "assumption", "product.md"]
    assert _problems("gemiddeld 9.5 dagen, 17.0 punten") == ["9.5", "17.0"]
    assert _problems("verhuurd in 2026Q4 op 2026-10-01") == ["2026Q4", "2026-10-01"]
    assert not _problems("K4 2026: 9,5 dagen, 1.234 woningen, 13 januari 2026, € 1.234,56")


ERROR_PAGES = {  # status: (a Dutch sentence, an English sentence) of its page
    403: ("Uw rol mag deze pagina niet gebruiken", "Your role may not use this page"),
    404: ("Deze pagina bestaat niet", "This page does not exist"),
    405: ("Deze pagina kan dat niet", "This page cannot do that"),
    500: ("Er ging iets mis aan onze kant", "Something went wrong on our side"),
}


@pytest.fixture
def failing_app(reference: Session, database_url: str) -> Flask:
    """An app of its own with one page that breaks, to see the 500 page."""

    def broken() -> str:
        raise RuntimeError("a bug")

    app = new_application(database_url)
    app.add_url_rule("/kapot", "broken", broken)
    return app


def _error_pages(browser: FlaskClient) -> dict[int, str]:
    answers = {
        403: browser.get("/beheer/gebruikers"),
        404: browser.get("/bestaat-niet"),
        405: browser.post("/kapot", data={"csrf_token": csrf_token(browser, "/profiel")}),
        500: browser.get("/kapot"),
    }
    for status, response in answers.items():
        assert response.status_code == status
    return {status: visible_text(r.get_data(as_text=True)) for status, r in answers.items()}


def test_the_error_pages_speak_dutch_and_english_without_a_library_sentence(
    failing_app: Flask, users: dict[str, User],
):
    browser = failing_app.test_client()
    assert sign_in(browser, users["matcher"]).status_code == 302
    dutch = _error_pages(browser)
    for status, (nl, _en) in ERROR_PAGES.items():
        assert nl in dutch[status], (status, dutch[status])
        assert not _problems(dutch[status]), (status, dutch[status])

    english = _error_pages(in_english(browser))
    for status, (nl, en) in ERROR_PAGES.items():
        assert en in english[status] and nl not in english[status], (status, english[status])
        # No werkzeug sentence in English either: the page says it in its own words.
        assert "The requested URL" not in english[status]
        assert "server encountered" not in english[status]
    browser.post("/taal", data={"lang": "nl", "csrf_token": csrf_token(browser, "/profiel")})


def test_a_flash_names_the_quarter_as_k4_2026(reference, users, signed_in):
    draft = create_dwelling(reference, data=DwellingData(), actor=users["corporation"])
    browser = signed_in("corporation")
    page = f"/corporatie/woningen/{draft.id}"
    response = browser.post(f"{page}/voordragen", data={"csrf_token": csrf_token(browser, page)},
                            follow_redirects=True)
    text = visible_text(response.get_data(as_text=True))
    assert re.search(r"telt mee voor K[1-4] \d{4}\.", text), text
    assert not QUARTER_CODE.search(text)


def test_the_policy_and_the_sources_have_dutch_names(
    request: pytest.FixtureRequest, signed_in: Callable[[str], FlaskClient],
):
    objects: World = request.getfixturevalue("world")
    matcher = signed_in("matcher")
    dwelling = visible_text(matcher.get(
        f"/matcher/woningen/{objects.ids['submitted_dwelling']}").get_data(as_text=True))
    assert re.search(r"Rangschikking volgens beleid 1, met de (standaard)?wegingen", dwelling)

    parameters = visible_text(signed_in("admin").get("/beheer/jaarparameters?jaar=2019")
                              .get_data(as_text=True))
    for label in ("De standaardwaarde van deze applicatie; de beleidsstukken noemen geen waarde.",
                  "Uit het Plan van Aanpak huisvesting en ondersteuning kwetsbare doelgroepen "
                  "(juli 2019).",
                  "Een weging van het rangschikkingsbeleid"):
        assert label in parameters
    english = visible_text(in_english(signed_in("admin")).get("/beheer/jaarparameters?jaar=2019")
                           .get_data(as_text=True))
    assert "This application's default value; the policy documents give no value." in english


def test_numbers_dates_and_policies_are_written_the_dutch_way(app: Flask):
    with app.test_request_context():
        assert [number(v) for v in (5.0, 9.5, 17, Decimal("1234.50"), None)] == [
            "5", "9,5", "17", "1.234,5", "–"]
        assert number(2.345, 1) == "2,3"
        assert dated("Wacht 12 dagen (sinds 2026-01-13)") == "Wacht 12 dagen (sinds 13-01-2026)"
        assert policy("ranking-1/2019") == "1, met de wegingen van 2019"
        assert policy("ranking-1/default") == "1, met de standaardwegingen"
        assert policy("manual") == "zelf gekozen, zonder rangschikking"
