"""Uploading a quarter's dwellings as CSV or XLSX: all rows or none, with a report per row."""

import io

from openpyxl import load_workbook
from sqlmodel import Session, func, select

from matching.models import Dwelling
from tests.web.conftest import csrf_token

PAGE = "/corporatie/woningen/uploaden"
GOOD = (
    "address;postcode;wijk;rooms;floor_area_m2;rent;available_from\n"
    "Kanaalstraat 1;3531AB;West;2;48;560,50;13-01-2026\n"
    "Kanaalstraat 3;3531AB;West;3;60;610,00;2026-02-01\n"
)


def _count(session: Session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(Dwelling)).one()


def _upload(client, data: bytes, name: str = "woningen.csv", **extra):  # type: ignore[no-untyped-def]
    return client.post(PAGE, data={
        "csrf_token": csrf_token(client, PAGE), "file": (io.BytesIO(data), name), **extra,
    }, content_type="multipart/form-data")


def test_the_upload_page_offers_both_templates_and_states_the_size_limit(signed_in):
    page = signed_in("corporation").get(PAGE).get_data(as_text=True)
    assert "/corporatie/woningen/sjabloon.xlsx" in page
    assert "/corporatie/woningen/sjabloon.csv" in page
    assert "Hoogstens 5 MB" in page


def test_the_templates_hold_the_header_and_one_example_row(signed_in):
    client = signed_in("corporation")
    csv = client.get("/corporatie/woningen/sjabloon.csv")
    assert csv.headers["Content-Disposition"].startswith("attachment")
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("adres;postcode;wijk;") and len(lines) == 2
    assert "560,00" in lines[1] and "13-01-2026" in lines[1]
    xlsx = client.get("/corporatie/woningen/sjabloon.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("adres", "postcode", "wijk") and len(rows) == 2
    assert client.get("/corporatie/woningen/sjabloon.pdf").status_code == 404


def test_a_valid_file_creates_every_dwelling_as_a_draft(reference, signed_in):
    client = signed_in("corporation")
    response = _upload(client, GOOD.encode())
    assert response.status_code == 302
    assert "status=draft" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 woningen zijn aangemaakt als concept." in page
    assert _count(reference) == 2


def test_the_dutch_template_as_downloaded_and_filled_in_is_accepted(reference, signed_in):
    client = signed_in("corporation")
    for fmt in ("csv", "xlsx"):
        template = client.get(f"/corporatie/woningen/sjabloon.{fmt}").get_data()
        response = _upload(client, template, name=f"woningen.{fmt}")
        assert response.status_code == 302, response.get_data(as_text=True)
    assert _count(reference) == 2


def test_dutch_column_names_and_the_api_names_may_be_mixed_but_not_doubled(reference,
                                                                          signed_in):
    client = signed_in("corporation")
    mixed = GOOD.replace("address;postcode;wijk;rooms;floor_area_m2;rent",
                         "adres;postcode;wijk;kamers;floor_area_m2;kale huur")
    assert _upload(client, mixed.encode()).status_code == 302
    assert _count(reference) == 2

    doubled = (
        "adres;postcode;wijk;kamers;woonoppervlak m2;kale huur;rent;beschikbaar vanaf\n"
        "Kanaalstraat 5;3531AB;West;2;48;560,50;560,50;13-01-2026\n"
    )
    response = _upload(client, doubled.encode())
    assert response.status_code == 422
    assert "De kolom &#39;kale huur&#39; staat twee keer in de kopregel." in response.get_data(
        as_text=True)
    assert _count(reference) == 2


def test_a_file_with_a_bad_row_saves_nothing_and_reports_row_column_and_problem(reference,
                                                                               signed_in):
    bad = GOOD.replace("Kanaalstraat 3;3531AB;West;3", "Kanaalstraat 3;3531AB;Atlantis;drie")
    response = _upload(signed_in("corporation"), bad.encode())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Er is niets opgeslagen" in page
    report = page.split('id="import-report"')[1].split("</table>")[0]
    assert "kamers" in report and "rooms" not in report
    assert "&#39;drie&#39; is geen heel getal." in report
    assert "wijk (wijk of U16-gemeente)" in report
    assert "&#39;Atlantis&#39; is geen bekende wijk of U16-gemeente." in report
    assert report.count('data-sort="3"') == 2  # both problems are in row 3
    assert _count(reference) == 0


def test_an_unreadable_file_is_named_at_the_file_field(reference, signed_in):
    response = _upload(signed_in("corporation"), "wijk\nStraße\n".encode("latin-1"))
    assert response.status_code == 422
    assert 'id="file-error">Het bestand is geen UTF-8-tekst.' in response.get_data(as_text=True)
    assert _count(reference) == 0


def test_no_file_is_an_error_at_the_field(signed_in):
    client = signed_in("corporation")
    response = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 422
    assert 'id="file-error">Kies een bestand.' in response.get_data(as_text=True)


def test_a_file_above_the_configured_limit_is_refused(app, reference, signed_in):
    client = signed_in("corporation")
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = _upload(client, GOOD.encode() * 40)
    assert response.status_code == 413
    assert "Bestand te groot" in response.get_data(as_text=True)
    assert _count(reference) == 0


def test_an_upload_without_csrf_token_answers_400_and_saves_nothing(reference, signed_in):
    response = signed_in("corporation").post(
        PAGE, data={"file": (io.BytesIO(GOOD.encode()), "w.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert _count(reference) == 0


def test_a_matcher_may_not_upload_dwellings(signed_in):
    client = signed_in("matcher")
    assert client.get(PAGE).status_code == 403
    assert client.get("/corporatie/woningen/sjabloon.csv").status_code == 403
