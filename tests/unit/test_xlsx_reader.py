"""The bounded workbook reader reads what openpyxl reads: the same values from the same
cells, for workbooks openpyxl writes and for the shared strings, styles and calendars of a
workbook as Excel writes it."""

import io
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from matching.xlsx import UnreadableWorkbook, first_sheet_rows

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _openpyxl_rows(data: bytes) -> list[list[object]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [_trimmed(list(row)) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _trimmed(row: list[object]) -> list[object]:
    while row and row[-1] is None:
        row.pop()
    return row


def _our_rows(data: bytes) -> list[list[object]]:
    return [_trimmed(row) for row in first_sheet_rows(data, max_columns=100)]


cell_values = st.one_of(
    st.none(),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(date(1901, 1, 1), date(2099, 12, 31)),
    st.datetimes(datetime(1901, 1, 1), datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)),
    st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"),
                          exclude_characters="="), max_size=30),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(cell_values, max_size=8), min_size=1, max_size=12))
def test_a_workbook_openpyxl_writes_is_read_as_openpyxl_reads_it(table):
    book = Workbook()
    for row in table:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    theirs, ours = _openpyxl_rows(out.getvalue()), _our_rows(out.getvalue())
    while theirs and theirs[-1] == []:
        theirs.pop()
    while ours and ours[-1] == []:
        ours.pop()
    assert ours == theirs
    assert bool(ours) == any(v not in (None, "") for row in table for v in row)


def _excel_workbook(sheet_data: str, *, shared: str = "", date1904: bool = False) -> bytes:
    """A workbook shaped as Excel saves it: shared strings, a style table, relationships."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"'
            '/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/workbook.xml", (
            f'<workbook {NS} xmlns:r="{REL}"><workbookPr date1904="{int(date1904)}"/><sheets>'
            '<sheet name="Uitleg" sheetId="2" r:id="rId9"/>'
            '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId9" Type="{REL}/chartsheet" Target="chartsheets/sheet9.xml"/>'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/styles.xml", (
            f'<styleSheet {NS}><numFmts count="1">'
            '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
            '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
            '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/>'
            '<xf numFmtId="4"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"))
        archive.writestr("xl/sharedStrings.xml", f'<sst {NS}>{shared}</sst>')
        archive.writestr("xl/worksheets/sheet1.xml", (
            f'<worksheet {NS}><dimension ref="A1:C2"/><sheetData>{sheet_data}</sheetData>'
            '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>'))
    return out.getvalue()


SHARED = (
    "<si><t>address</t></si><si><t>available_from</t></si>"
    '<si><r><rPr><b/></rPr><t xml:space="preserve">Kanaal</t></r><r><t>straat 1</t></r></si>'
    "<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si>"
)
SHEET = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="inlineStr"><is><t>rent</t></is></c></row>'
    '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>46035</v></c>'
    '<c r="C2" s="2"><f>500+60.5</f><v>560.5</v></c></row>'
    '<row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4" t="b"><v>1</v></c>'
    '<c r="D4" t="e"><v>#N/A</v></c><c r="E4" t="str"><f>A4</f><v>tekst</v></c></row>'
)


def test_an_excel_workbook_gives_its_shared_strings_dates_and_cached_formula_results():
    data = _excel_workbook(SHEET, shared=SHARED)
    assert _our_rows(data) == [
        ["address", "available_from", "rent"],
        ["Kanaalstraat 1", datetime(2026, 1, 13), 560.5],
        [],
        ["東京", True, None, "#N/A", "tekst"],
    ]
    assert _our_rows(data)[:2] == _openpyxl_rows(data)[:2]


def test_dates_count_from_1904_when_the_workbook_says_so():
    data = _excel_workbook('<row r="1"><c r="A1" s="1"><v>44573</v></c></row>', date1904=True)
    assert _our_rows(data) == [[datetime(2026, 1, 13)]] == _openpyxl_rows(data)[:1]


@pytest.mark.parametrize(("sheet_data", "code"), [
    ('<row r="3"/><row r="2"/>', "not_xlsx"),
    ('<row r="1">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 101 + "</row>", "row_too_wide"),
])
def test_a_sheet_with_rows_out_of_order_or_too_many_cells_is_refused(sheet_data, code):
    with pytest.raises(UnreadableWorkbook) as caught:
        _our_rows(_excel_workbook(sheet_data))
    assert caught.value.code == code


def test_a_workbook_of_a_million_tiny_shared_strings_is_refused_without_reading_them_all():
    data = _excel_workbook(SHEET, shared=SHARED + "<si/>" * 1_000_000)
    assert len(data) < 100_000
    with pytest.raises(UnreadableWorkbook) as caught:
        _our_rows(data)
    assert caught.value.code == "too_large"
