"""The footer every public-sector site has: a privacy statement, an accessibility statement
(toegankelijkheidsverklaring) and contact, open without signing in, and a favicon."""

import re

import pytest
from flask import Flask

from matching.config import Settings
from matching.web import create_app
from tests.web.conftest import csrf_token

FOOTER_PAGES = {"/privacy": "Privacyverklaring", "/toegankelijkheid": "Toegankelijkheidsverklaring",
                "/contact": "Contact"}


def _footer_links(page: str) -> list[str]:
    footer = re.search(r'<footer class="[^"]*\bsite-footer\b[^"]*">(.*?)</footer>', page, re.S)
    assert footer, "the page has no footer"
    return re.findall(r'href="([^"]+)"', footer.group(1))


@pytest.mark.parametrize("path", ["/", "/aanmelden", "/privacy"])
def test_every_page_signed_out_links_the_three_statements_from_its_footer(client, path):
    page = client.get(path).get_data(as_text=True)
    assert _footer_links(page) == list(FOOTER_PAGES)


@pytest.mark.parametrize("role", ["corporation", "care_provider", "analyst"])
def test_a_signed_in_page_has_the_same_footer(signed_in, role):
    browser = signed_in(role)
    page = browser.get("/profiel").get_data(as_text=True)
    assert _footer_links(page) == list(FOOTER_PAGES)


@pytest.mark.parametrize(("path", "heading"), FOOTER_PAGES.items())
def test_each_statement_opens_without_signing_in_in_dutch(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert f"<h1>{heading}</h1>" in page
    assert "Het Vierde Huis" in page


def test_the_privacy_statement_names_the_data_the_retention_and_subject_access(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "24 maanden na het vertrek gewist" in page
    assert "Vraag inzage via uw zorgaanbieder" in page
    assert "Autoriteit Persoonsgegevens" in page
    assert "geboortejaar" in page  # says which data, not only that there are some


def test_the_accessibility_statement_names_the_standard_the_tests_and_where_to_report(client):
    page = client.get("/toegankelijkheid").get_data(as_text=True)
    assert "WCAG" in page and "2.1" in page and "niveau AA" in page
    assert "axe" in page and "toetsenbord" in page
    assert "Loopt u ergens tegenaan?" in page


def test_contact_shows_the_details_the_operator_configured(reference, database_url):
    app: Flask = create_app(
        Settings(database_url=database_url, secret_key="test", env="development"),
        MATCHING_CONTACT_EMAIL="matching@example.org", MATCHING_CONTACT_PHONE="030 123 45 67",
        MATCHING_CONTACT_ADDRESS="Postbus 1, 3500 AA Utrecht",
    )
    page = app.test_client().get("/contact").get_data(as_text=True)
    assert 'href="mailto:matching@example.org"' in page
    assert 'href="tel:0301234567"' in page
    assert "Postbus 1, 3500 AA Utrecht" in page


def test_contact_leaves_out_a_detail_nobody_configured(client, monkeypatch):
    for name in ("MATCHING_CONTACT_EMAIL", "MATCHING_CONTACT_PHONE", "MATCHING_CONTACT_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    page = client.get("/contact").get_data(as_text=True)
    assert "mailto:" not in page and "tel:" not in page
    assert "<strong>Het Vierde Huis</strong>" in page


def test_the_statements_switch_to_english(client):
    client.post("/taal", data={"lang": "en", "csrf_token": csrf_token(client, "/"), "next": "/"})
    for path, heading in {"/privacy": "Privacy statement",
                          "/toegankelijkheid": "Accessibility statement",
                          "/contact": "Contact"}.items():
        page = client.get(path).get_data(as_text=True)
        assert f"<h1>{heading}</h1>" in page, path
        assert "Het Vierde Huis beheert" not in page, path


def test_the_favicon_is_an_svg_from_the_static_files_linked_from_every_page(client):
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert link, "no favicon link"
    icon = client.get(link.group(1))
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
