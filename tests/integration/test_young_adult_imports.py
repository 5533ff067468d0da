"""The upload of dwellings carries `zelfstandig` and `studentencomplex` (CSV and XLSX), in
Dutch or by their field names, with a report naming a bad cell."""

import io

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from matching.models import Dwelling
from matching.services.imports import (
    DWELLING_COLUMNS,
    DWELLING_EXAMPLE,
    ImportRejected,
    import_dwellings,
)
from matching.upload_headers import dutch_columns, to_fields
from matching.uploads import read_rows, template_csv
from tests.factories import make_user

CSV = """\
adres;postcode;wijk;kamers;woonoppervlak m2;kale huur;bestemming;soort huurcontract;\
zelfstandig;studentencomplex;beschikbaar vanaf
Heidelberglaan 1 k12;3584CS;Oost;1;18;411,00;uitstroom;campus;nee;UITHOF-D;01-09-2019
Heidelberglaan 1 k13;3584CS;Oost;1;30;411,00;uitstroom;campus;ja;UITHOF-D;01-09-2019
Kanaalstraat 1;3531AB;West;2;48;560,50;uitstroom;direct;;;01-09-2019
"""


@pytest.fixture
def ssh(reference: Session):  # type: ignore[no-untyped-def]
    return make_user(reference, "SSH", "corporation")


def test_the_template_offers_both_columns_in_dutch():
    assert {"self_contained", "student_complex"} <= set(DWELLING_COLUMNS)
    columns, example = dutch_columns(DWELLING_COLUMNS, DWELLING_EXAMPLE)
    assert "zelfstandig" in columns and "studentencomplex" in columns
    assert example["zelfstandig"] is True
    assert b"zelfstandig" in template_csv(columns, example)


def test_a_csv_with_dutch_headers_imports_rooms_and_student_complexes(reference, ssh):
    rows = to_fields(read_rows("woningen.csv", CSV.encode()))
    created = import_dwellings(reference, rows=rows, actor=ssh)
    found = [(d.self_contained, d.student_complex) for d in created]
    assert found == [(False, "UITHOF-D"), (True, "UITHOF-D"), (True, None)]


def test_an_xlsx_with_field_names_imports_too(reference, ssh):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["address", "postcode", "wijk", "rooms", "floor_area_m2", "rent",
                  "available_from", "self_contained", "student_complex"])
    sheet.append(["Heidelberglaan 2 k1", "3584CS", "Oost", 1, 18, 390, "2019-09-01", False,
                  "UITHOF-E"])
    out = io.BytesIO()
    workbook.save(out)
    rows = to_fields(read_rows("woningen.xlsx", out.getvalue()))
    (dwelling,) = import_dwellings(reference, rows=rows, actor=ssh)
    assert (dwelling.self_contained, dwelling.student_complex) == (False, "UITHOF-E")


def test_a_bad_cell_imports_nothing_and_names_row_and_column(reference, ssh):
    text = CSV.replace(";nee;UITHOF-D", ";misschien;UITHOF-D").replace(
        ";ja;UITHOF-D", ";ja;<UITHOF>")
    with pytest.raises(ImportRejected) as caught:
        import_dwellings(reference, rows=to_fields(read_rows("woningen.csv", text.encode())),
                         actor=ssh)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "self_contained"), (3, "student_complex")]
    assert reference.exec(select(func.count()).select_from(Dwelling)).one() == 0
