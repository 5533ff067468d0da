"""Uploading many clients at once: all rows or none, with a report per row."""

import io

from sqlmodel import func, select

from matching.models import Client
from matching.services.imports import CLIENT_COLUMNS, CLIENT_EXAMPLE
from matching.uploads import template_xlsx
from tests.web.conftest import csrf_token

HEADER = "reference;target_group;birth_year;annual_income;needs;registered_on;flip_lease_ok"


def _upload(browser, content: bytes, name: str = "clienten.csv", token: bool = True):
    data = {"file": (io.BytesIO(content), name)}
    if token:
        data["csrf_token"] = csrf_token(browser, "/clienten/uploaden")
    return browser.post("/clienten/uploaden", data=data, content_type="multipart/form-data")


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Client)).one()


def test_the_upload_page_offers_templates_and_the_privacy_hint(signed_in):
    browser = signed_in("care_provider")
    page = browser.get("/clienten/uploaden").get_data(as_text=True)
    assert 'class="privacy-hint"' in page
    assert "/clienten/sjabloon.csv" in page and "/clienten/sjabloon.xlsx" in page
    template = browser.get("/clienten/sjabloon.csv")
    assert template.status_code == 200
    assert "clienten-sjabloon.csv" in template.headers["Content-Disposition"]
    assert template.get_data(as_text=True).lstrip("\ufeff").startswith("referentie;doelgroep;")
    assert browser.get("/clienten/sjabloon.xlsx").status_code == 200
    assert browser.get("/clienten/sjabloon.pdf").status_code == 404


def test_the_client_list_links_to_the_upload(signed_in):
    page = signed_in("care_provider").get("/clienten").get_data(as_text=True)
    assert "/clienten/uploaden" in page


def test_a_correct_csv_registers_every_client(reference, signed_in):
    content = "\n".join([
        HEADER,
        "LIS-A1;mobw_uitstroom;1985;16000;ground_floor|lift;01-06-2019;ja",
        "LIS-A2;statushouder;1990;14000;;2019-06-02;nee",
    ]).encode()
    browser = signed_in("care_provider")
    response = _upload(browser, content)
    assert response.status_code == 302
    assert _count(reference) == 2
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 cliënten zijn aangemeld." in page and "LIS-A1" in page


def test_an_xlsx_made_from_the_template_is_accepted(reference, signed_in):
    content = template_xlsx(CLIENT_COLUMNS, CLIENT_EXAMPLE, title="Cliënten")
    response = _upload(signed_in("care_provider"), content, name="clienten.xlsx")
    assert response.status_code == 302
    assert reference.exec(select(Client.reference)).all() == [CLIENT_EXAMPLE["reference"]]


def test_one_wrong_row_saves_nothing_and_the_report_names_row_column_and_problem(reference,
                                                                                signed_in):
    content = "\n".join([
        HEADER,
        "LIS-B1;mobw_uitstroom;1985;16000;;01-06-2019;ja",
        "LIS-B2;onbekend;1985;veel;;31-02-2019;ja",
    ]).encode()
    response = _upload(signed_in("care_provider"), content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Er is niets opgeslagen." in page
    assert "jaarinkomen" in page and "annual_income" not in page
    assert "&#39;veel&#39; is geen heel getal." in page
    assert "aanmelddatum" in page
    assert '<td class="num" data-sort="3">3</td>' in page
    assert _count(reference) == 0


def test_an_unreadable_file_is_refused_at_the_file_field(reference, signed_in):
    response = _upload(signed_in("care_provider"), b"%PDF-1.4", name="clienten.pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page and "Upload een CSV- of XLSX-bestand." in page
    assert _count(reference) == 0


def test_an_upload_without_a_file_asks_for_one(signed_in):
    browser = signed_in("care_provider")
    response = browser.post("/clienten/uploaden", data={
        "csrf_token": csrf_token(browser, "/clienten/uploaden")})
    assert response.status_code == 422
    assert "Kies een bestand." in response.get_data(as_text=True)


def test_an_upload_without_csrf_token_is_refused_and_saves_nothing(reference, signed_in):
    content = f"{HEADER}\nLIS-C1;mobw_uitstroom;1985;16000;;01-06-2019;ja".encode()
    response = _upload(signed_in("care_provider"), content, token=False)
    assert response.status_code == 400
    assert _count(reference) == 0


def test_only_care_providers_upload_clients(signed_in):
    browser = signed_in("matcher")
    assert browser.get("/clienten/uploaden").status_code == 403
    assert browser.get("/clienten/sjabloon.csv").status_code == 403
