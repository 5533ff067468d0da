"""Reading an upload is bounded by the rows and columns actually read, whatever the file
claims: empty rows count toward the limit, reading stops at it, and a sheet that unpacks to
far more than any real upload is refused before it is parsed."""

import pytest

from matching.services.imports import DWELLING_COLUMNS, DWELLING_EXAMPLE
from matching.uploads import MAX_COLUMNS, MAX_ROWS, UnreadableFile, read_rows, template_xlsx
from tests.hostile_files import (
    add_rows,
    answers_within,
    claim_dimension,
    one_cell_at_the_sheets_end,
    with_sheet,
)

TEMPLATE = template_xlsx(DWELLING_COLUMNS, DWELLING_EXAMPLE, title="Woningen")


def _refusal(name: str, data: bytes) -> UnreadableFile:
    with answers_within(15), pytest.raises(UnreadableFile) as caught:
        read_rows(name, data)
    return caught.value


def test_one_cell_at_the_end_of_a_sheet_claiming_every_cell_is_refused_quickly():
    data = one_cell_at_the_sheets_end(DWELLING_COLUMNS, DWELLING_EXAMPLE)
    assert len(data) < 10_000
    refusal = _refusal("woningen.xlsx", data)
    assert refusal.code == "too_many_rows"
    assert refusal.params == {"max": str(MAX_ROWS)}


def test_a_sheet_whose_dimension_claims_less_than_it_holds_is_read_whole():
    # The claim is no bound in either direction: a third row beyond "A1:B2" is still read.
    third = b'<row r="3"><c r="A3" t="inlineStr"><is><t>Derde 3</t></is></c></row>'
    data = with_sheet(TEMPLATE, lambda xml: add_rows(claim_dimension(xml, "A1:B2"), third))
    with answers_within(15):
        rows = read_rows("woningen.xlsx", data)
    assert [row.line for row in rows] == [2, 3]
    assert rows[0]["postcode"] == "3531AB" and rows[1]["address"] == "Derde 3"


def test_empty_rows_count_toward_the_limit_in_a_workbook():
    far = MAX_ROWS + 2  # the header is row 1, so this is the first row past the limit
    row = f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>Ver weg</t></is></c></row>'
    refusal = _refusal("w.xlsx", with_sheet(TEMPLATE, lambda xml: add_rows(xml, row.encode())))
    assert refusal.code == "too_many_rows"


def test_a_workbook_row_may_end_on_the_last_allowed_line():
    last = MAX_ROWS + 1
    row = f'<row r="{last}"><c r="A{last}" t="inlineStr"><is><t>Laatste</t></is></c></row>'
    with answers_within(15):
        rows = read_rows("w.xlsx", with_sheet(TEMPLATE, lambda xml: add_rows(xml, row.encode())))
    assert [r.line for r in rows] == [2, last]


def test_a_value_in_the_sheets_last_column_is_an_extra_cell_and_an_empty_one_is_not():
    stray = (b'<row r="3"><c r="A3" t="inlineStr"><is><t>Straat 3</t></is></c>'
             b'<c r="XFD3" s="0"/></row>')
    with answers_within(15):
        rows = read_rows("w.xlsx", with_sheet(TEMPLATE, lambda xml: add_rows(xml, stray)))
    assert len(rows) == 2
    value = b'<row r="3"><c r="XFD3"><v>7</v></c></row>'
    refusal = _refusal("w.xlsx", with_sheet(TEMPLATE, lambda xml: add_rows(xml, value)))
    assert refusal.code == "extra_cells" and refusal.params == {"row": "3"}


def test_a_sheet_that_unpacks_to_far_more_than_an_upload_is_refused_before_parsing():
    cell = b'<c r="B3"><v>1</v></c>'
    huge = b'<row r="3">' + cell * (40 * 1024 * 1024 // len(cell)) + b"</row>"
    data = with_sheet(TEMPLATE, lambda xml: add_rows(xml, huge))
    assert len(data) < 1024 * 1024
    assert _refusal("w.xlsx", data).code == "too_large"


def test_a_csv_of_millions_of_empty_lines_is_refused_quickly():
    data = b"address;rooms\n" + b"\r\n" * (2 * 1024 * 1024) + b"Straat 1;2\n"
    refusal = _refusal("w.csv", data)
    assert refusal.code == "too_many_rows"


def test_a_csv_of_millions_of_empty_cells_per_line_is_refused_quickly():
    data = b"address;rooms\n" + b";;;\n" * (1024 * 1024) + b"Straat 1;2\n"
    assert _refusal("w.csv", data).code == "too_many_rows"


def test_empty_csv_lines_before_the_header_count_too():
    data = b"\n" * (MAX_ROWS + 1) + b"address;rooms\nStraat 1;2\n"
    assert _refusal("w.csv", data).code == "too_many_rows"


def test_a_csv_ending_on_the_last_allowed_line_is_read():
    data = b"address;rooms\n" + b"\n" * (MAX_ROWS - 1) + b"Straat 1;2\n"
    with answers_within(15):
        rows = read_rows("w.csv", data)
    assert [(r.line, r["address"]) for r in rows] == [(MAX_ROWS + 1, "Straat 1")]


def test_a_header_wider_than_any_template_is_refused():
    header = ";".join(f"kolom{i}" for i in range(MAX_COLUMNS + 1))
    refusal = _refusal("w.csv", f"{header}\n".encode())
    assert refusal.code == "too_many_columns"
    assert refusal.params == {"max": str(MAX_COLUMNS)}


def test_a_very_wide_csv_row_is_refused_for_its_extra_cell_and_trailing_empty_cells_are_not():
    wide = b"address;rooms\nStraat 1;2" + b";" * (4 * 1024 * 1024) + b"x\n"
    refusal = _refusal("w.csv", wide)
    assert refusal.code == "extra_cells" and refusal.params == {"row": "2"}
    padded = b"address;rooms\nStraat 1;2" + b";" * (4 * 1024 * 1024) + b"\n"
    with answers_within(15):
        rows = read_rows("w.csv", padded)
    assert [dict(r) for r in rows] == [{"address": "Straat 1", "rooms": "2"}]
