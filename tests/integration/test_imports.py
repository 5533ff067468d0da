"""Bulk import of dwellings and clients from CSV and XLSX: all rows or none, with a report."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from matching.models import Client, Dwelling, DwellingEvent
from matching.services.errors import PermissionDenied
from matching.services.imports import (
    CLIENT_COLUMNS,
    CLIENT_EXAMPLE,
    DWELLING_COLUMNS,
    DWELLING_EXAMPLE,
    ImportRejected,
    import_clients,
    import_dwellings,
)
from matching.uploads import MAX_ROWS, UnreadableFile, read_rows, template_csv, template_xlsx
from tests.factories import make_user

DWELLINGS_CSV = """\
address;postcode;wijk;rooms;floor_area_m2;rent;has_lift;designation;available_from
Kanaalstraat 1;3531 AB;West;2;48;560,50;ja;uitstroom;13-01-2026
Amsterdamsestraatweg 2;3551AC;Noordwest;3;65;612,00;nee;instroom;01-02-2026
Vleutenseweg 3;3532HA;West;1;32;430;0;uitstroom;2026-03-01
"""


def _count(session: Session, model) -> int:  # type: ignore[no-untyped-def]
    return session.exec(select(func.count()).select_from(model)).one()


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def mitros(reference: Session):  # type: ignore[no-untyped-def]
    return make_user(reference, "Mitros", "corporation")


@pytest.fixture
def lister(reference: Session):  # type: ignore[no-untyped-def]
    return make_user(reference, "Lister", "care_provider")


def test_a_valid_semicolon_csv_with_dutch_dates_and_commas_imports_every_row_as_drafts(
    reference, mitros
):
    rows = read_rows("woningen.csv", DWELLINGS_CSV.encode())
    created = import_dwellings(reference, rows=rows, actor=mitros)
    assert len(created) == 3
    first = reference.get(Dwelling, created[0].id)
    assert (first.state, first.corporation_id) == ("draft", mitros.organisation_id)
    assert (first.postcode, first.rent, first.has_lift) == ("3531AB", Decimal("560.50"), True)
    assert first.available_from == date(2026, 1, 13)
    assert created[2].available_from == date(2026, 3, 1)
    assert created[1].designation == "instroom"
    # Every dwelling has its creation in its history, like one made through the form.
    assert _count(reference, DwellingEvent) == 3


def test_a_comma_separated_csv_with_points_and_iso_dates_imports_too(reference, mitros):
    text = (
        "Address,Postcode,wijk,rooms,floor_area_m2,rent,available_from,accessible\n"
        'Oudegracht 10,3511AB,Binnenstad,2,50,"1.234,56",2026-01-13,true\n'
        "Oudegracht 12,3511AB,Binnenstad,2,50,599.99,2026-01-13,false\n"
    )
    created = import_dwellings(reference, rows=read_rows("x.csv", text.encode()), actor=mitros)
    assert [d.rent for d in created] == [Decimal("1234.56"), Decimal("599.99")]
    assert [d.accessible for d in created] == [True, False]


def test_one_bad_row_imports_nothing_and_the_report_names_row_column_and_problem(
    reference, mitros
):
    text = DWELLINGS_CSV.replace("Noordwest;3;65", "Noordwest;drie;65").replace(
        "3532HA;West", "3532HA;Atlantis"
    )
    with pytest.raises(ImportRejected) as caught:
        import_dwellings(reference, rows=read_rows("woningen.csv", text.encode()), actor=mitros)
    report = [(p.row, p.column, p.code) for p in caught.value.problems]
    assert report == [(3, "rooms", "int_parsing"), (4, "wijk", "reference")]
    assert "drie" in caught.value.problems[0].problem
    assert "Atlantis" in caught.value.problems[1].problem
    assert _count(reference, Dwelling) == 0


def test_every_problem_of_every_row_is_reported_at_once(reference, mitros):
    # Row 4 also names an unknown district although its other cells are wrong too.
    text = (
        "address;postcode;wijk;rooms;floor_area_m2;rent;available_from;has_lift\n"
        "Kanaalstraat 1;3531AB;West;0;48;560;13-01-2026;ja\n"
        "\n"  # an empty line is skipped but keeps the numbering of the rows below it
        "Kanaalstraat 3;35AB;Atlantis;2;48;veel;31-02-2026;misschien\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_dwellings(reference, rows=read_rows("w.csv", text.encode()), actor=mitros)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "rooms"), (4, "available_from"), (4, "has_lift"), (4, "postcode"), (4, "rent"),
        (4, "wijk"),
    ]
    assert _count(reference, Dwelling) == 0


def test_a_missing_required_column_or_an_unknown_one_is_reported_on_the_header_row(
    reference, mitros
):
    text = (
        "address;postcode;wijk;rooms;rent;available_from;colour\n"
        "A 1;3531AB;West;2;500;1-1-2026;red\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_dwellings(reference, rows=read_rows("w.csv", text.encode()), actor=mitros)
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [
        (1, "colour", "unknown_column"), (1, "floor_area_m2", "missing_column"),
    ]


def test_an_xlsx_workbook_with_real_dates_and_numbers_imports(reference, mitros):
    data = _xlsx([
        ["address", "postcode", "wijk", "rooms", "floor_area_m2", "rent", "available_from",
         "has_lift", "complex_code"],
        ["Kanaalstraat 1", "3531AB", "West", 2, 48, 560.5, datetime(2026, 1, 13), True, 1204],
        [None] * 9,
        ["Kanaalstraat 2", "3531AB", "West", 3.0, 60, 611, "14-01-2026", "nee", "C7"],
    ])
    created = import_dwellings(reference, rows=read_rows("woningen.xlsx", data), actor=mitros)
    assert [d.rent for d in created] == [Decimal("560.50"), Decimal("611")]
    assert [d.rooms for d in created] == [2, 3]
    assert [d.complex_code for d in created] == ["1204", "C7"]
    assert created[1].available_from == date(2026, 1, 14)


def test_an_xlsx_with_a_bad_row_imports_nothing_and_names_the_row_as_excel_shows_it(
    reference, mitros
):
    data = _xlsx([
        ["address", "postcode", "wijk", "rooms", "floor_area_m2", "rent", "available_from"],
        ["Kanaalstraat 1", "3531AB", "West", 2, 48, 560, datetime(2026, 1, 13)],
        ["Kanaalstraat 2", "3531AB", "West", 2, 48, 560.123, datetime(2026, 1, 13)],
    ])
    with pytest.raises(ImportRejected) as caught:
        import_dwellings(reference, rows=read_rows("w.xlsx", data), actor=mitros)
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [
        (3, "rent", "decimal_max_places")
    ]
    assert _count(reference, Dwelling) == 0


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_templates_example_row_imports_as_it_is(reference, mitros, lister, kind):
    if kind == "csv":
        dwellings = template_csv(DWELLING_COLUMNS, DWELLING_EXAMPLE)
        clients = template_csv(CLIENT_COLUMNS, CLIENT_EXAMPLE)
    else:
        dwellings = template_xlsx(DWELLING_COLUMNS, DWELLING_EXAMPLE, title="Woningen")
        clients = template_xlsx(CLIENT_COLUMNS, CLIENT_EXAMPLE, title="Cliënten")
    made = import_dwellings(reference, rows=read_rows(f"t.{kind}", dwellings), actor=mitros)
    assert made[0].rent == Decimal("560.00") and made[0].available_from == date(2026, 1, 13)
    registered = import_clients(reference, rows=read_rows(f"t.{kind}", clients), actor=lister)
    assert registered[0].needs == ["ground_floor"]
    assert registered[0].excluded_wijken == ["Overvecht"]
    assert registered[0].flip_lease_ok is True


def test_clients_import_with_lists_and_refuses_a_reference_used_twice(reference, lister):
    header = "reference,target_group,birth_year,annual_income,needs,excluded_wijken,registered_on"
    good = (
        f"{header}\n"
        'A-1,statushouder,1990,15000,"lift|ground_floor",Overvecht|Zuid,02-01-2026\n'
        "A-2,jongvolwassene,2004,9000,,,2026-01-02\n"
    )
    created = import_clients(reference, rows=read_rows("c.csv", good.encode()), actor=lister)
    assert created[0].needs == ["ground_floor", "lift"]
    assert created[0].excluded_wijken == ["Overvecht", "Zuid"]
    assert created[0].state == "registered" and created[0].phase == "uitstroom"

    again = (
        f"{header}\n"
        "B-1,statushouder,1990,15000,,,02-01-2026\n"
        "A-1,statushouder,1990,15000,,,02-01-2026\n"
        "B-1,statushouder,1990,15000,wings,Atlantis,02-01-2026\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_clients(reference, rows=read_rows("c.csv", again.encode()), actor=lister)
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [
        (3, "reference", "reference"),
        (4, "excluded_wijken", "reference"),
        (4, "needs", "value_error"),
        (4, "reference", "duplicate_in_file"),
    ]
    assert caught.value.problems[3].params["row"] == "2"
    assert _count(reference, Client) == 2


def test_only_a_corporation_imports_dwellings_and_only_a_care_provider_clients(
    reference, mitros, lister
):
    rows = read_rows("w.csv", DWELLINGS_CSV.encode())
    with pytest.raises(PermissionDenied):
        import_dwellings(reference, rows=rows, actor=lister)
    with pytest.raises(PermissionDenied):
        import_clients(reference, rows=rows, actor=mitros)


def test_a_file_with_only_a_header_is_refused_with_a_report(reference, mitros):
    with pytest.raises(ImportRejected) as caught:
        import_dwellings(reference, rows=read_rows("w.csv", b"address;rooms\n"), actor=mitros)
    assert caught.value.problems[0].code == "no_rows"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("w.csv", "address;wijk\nStraße 1;Zuid\n".encode("latin-1"), "not_utf8"),
        ("w.xlsx", b"PK\x03\x04 this is no workbook", "not_xlsx"),
        ("w.xlsx", b"just text", "not_xlsx"),
        ("w.pdf", b"%PDF-1.4", "unknown_format"),
        ("w.csv", b"", "empty"),
        ("w.csv", b"address;address\nA;B\n", "duplicate_column"),
        ("w.csv", b"address;rooms\nA;2;extra\n", "extra_cells"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_clear_message(name, data, code):
    with pytest.raises(UnreadableFile) as caught:
        read_rows(name, data)
    assert caught.value.code == code
    assert caught.value.fields["file"]


def _with_sheet(workbook: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change`."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml[: len(xml) // 2],  # cut off halfway
        lambda xml: xml.replace(b"Voorbeeldstraat", b"Voor&#0;beeld"),  # a NUL character
    ],
    ids=["truncated sheet", "NUL character in a cell"],
)
def test_a_workbook_whose_sheet_cannot_be_parsed_is_refused_as_unreadable(change):
    workbook = template_xlsx(DWELLING_COLUMNS, DWELLING_EXAMPLE, title="Woningen")
    with pytest.raises(UnreadableFile) as caught:
        read_rows("w.xlsx", _with_sheet(workbook, change))
    assert caught.value.code == "not_xlsx"


def test_a_workbook_with_more_rows_than_allowed_is_refused():
    book = Workbook()
    sheet = book.active
    sheet.append(["address"])
    for number in range(MAX_ROWS + 1):
        sheet.append([f"Straat {number}"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(UnreadableFile) as caught:
        read_rows("w.xlsx", out.getvalue())
    assert caught.value.code == "too_many_rows"
