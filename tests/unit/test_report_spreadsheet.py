"""The page downloads' format without a database: a report's keys become words (also keys
nobody named yet), values become typed cells, and Excel's rules for sheet names hold."""

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from matching.reports.spreadsheet import to_csv, to_xlsx
from matching.reports.tables import report_tables
from matching.web.report_labels import column, readable, title, wording

REPORT = {
    "period": {"kind": "quarter", "code": "2025Q1", "from": "2025-01-01", "to": "2025-03-31"},
    "as_of": "2025-03-31",
    "generated_at": "2025-04-01T08:30:00+00:00",
    "frozen": False,
    "quotas": [{"corporation_id": 7, "corporation": "Mitros", "quota": 1234, "submitted": 3}],
    "matching": {"rounds": 4, "acceptance_rate": 0.667, "rounds_per_dwelling": 1.33,
                 "reasons": [{"reason_code": "rent_too_high", "count": 2}]},
    "a_section_added_later": [{"district_share": 22.5, "brand_new": None}],
}


def _rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_a_key_nobody_named_reads_as_words_and_a_named_key_as_its_label():
    assert readable("flip_review_due") == "Flip review due"
    assert readable("per_quarter.Q1") == "Per quarter Q1"
    assert column("quotas", "brand_new_key") == "Brand new key"
    assert title("a_section_added_later") == "A section added later"
    assert column("quotas", "quota") == "Quotum"
    # The same key may read differently per table: the statushouders' total is their
    # totaalopgave, the verdeelbesluit's realised counts what the corporations were asked.
    assert column("statushouders", "total") == "Totaalopgave"
    assert column("allocation", "realised") != column("allocation.groups", "realised")


def test_the_csv_writes_words_decimal_commas_dutch_dates_and_no_ids():
    rows = _rows(to_csv(report_tables(REPORT), wording(), "Kerncijfers K1 2025"))
    assert rows[0] == ["Kerncijfers K1 2025"]
    assert ["Stand per", "31-03-2025"] in rows
    assert ["Gemaakt op", "01-04-2025 10:30"] in rows  # in Utrecht's time
    assert ["Vastgesteld", "nee"] in rows
    assert ["Corporatie", "Quotum", "Voorgedragen"] in rows  # no corporation_id
    assert ["Mitros", "1234", "3"] in rows
    assert ["Geaccepteerd (%)", "66,7"] in rows and ["Rondes per woning", "1,33"] in rows
    assert ["Redenen van afwijzing"] in rows and ["rent_too_high", "2"] in rows
    assert ["District share", "Brand new"] in rows and ["22,5", ""] in rows


def test_the_xlsx_types_its_cells_and_names_its_sheets_as_excel_allows():
    tables = report_tables(REPORT)
    book = load_workbook(io.BytesIO(to_xlsx(tables, wording(), "Kerncijfers K1 2025")))
    assert book.sheetnames[:3] == ["Overzicht", "Voordracht per corporatie", "Matching"]
    overview = {row[0].value: row[1] for row in book["Overzicht"].iter_rows(min_row=3)}
    assert overview["Stand per"].value == datetime(2025, 3, 31)
    assert overview["Stand per"].number_format == "dd-mm-yyyy"
    assert overview["Gemaakt op"].value == datetime(2025, 4, 1, 10, 30)
    matching = {row[0].value: row[1] for row in book["Matching"].iter_rows(min_row=3)}
    assert matching["Geaccepteerd (%)"].value == 0.667
    assert matching["Geaccepteerd (%)"].number_format == "0.0%"
    assert book["Voordracht per corporatie"]["B3"].value == 1234

    clashing = [t for t in tables if t.name == "quotas"] * 2
    names = load_workbook(io.BytesIO(to_xlsx(
        clashing, wording().__class__(title=lambda _n: "Quota: per [corp]? " + "x" * 40,
                                      column=column, value=lambda _k, _v: None,
                                      yes="ja", no="nee"), "t"))).sheetnames
    assert len(names) == 2 and len(set(n.lower() for n in names)) == 2
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_a_date_given_as_a_date_is_a_date_cell_too():
    tables = report_tables({"as_of": date(2025, 6, 30), "period": {}})
    book = load_workbook(io.BytesIO(to_xlsx(tables, wording(), "t")))
    assert book.active["B3"].is_date
