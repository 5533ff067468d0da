"""Reading an uploaded CSV or XLSX file into rows keyed by its header, and writing templates.

Corporations upload a quarter's dwellings and care providers their clients (product.md
section 6). A file is read whole before anything is validated, so a broken file is refused
with one clear message instead of half a report. The reading is bounded by the rows and
columns actually read, whatever the file claims (matching/xlsx reads the workbooks).
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from matching.services.errors import ValidationFailed
from matching.xlsx import UnreadableWorkbook, first_sheet_rows

# A quarter's dwellings or a provider's waiting clients: a few thousand rows at most. The
# bound keeps one upload from holding a request (and a transaction) for minutes. Every line
# counts, empty or not, and reading stops at the bound: a million empty lines (a CSV of
# newlines, or a sheet claiming row 1048576) would otherwise be a million steps.
MAX_ROWS = 5000
# The widest template has 14 columns; cells further right are looked at only to refuse a
# value there, never one by one (a sheet may claim 16384 columns, a CSV line a million).
MAX_COLUMNS = 100

_XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(ValidationFailed):
    """The upload is not a CSV or XLSX file we can read; `code` says why."""

    def __init__(self, code: str, message: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__({"file": message}, message="unreadable file")


class SheetRow(dict[str, Any]):
    """One data row keyed by the header, remembering its row number as the user sees it."""

    def __init__(self, values: dict[str, Any], line: int) -> None:
        super().__init__(values)
        self.line = line


def read_rows(filename: str, data: bytes) -> list[SheetRow]:
    """Read an uploaded CSV (UTF-8, comma or semicolon) or XLSX (first sheet) file.

    The first row is the header; names are trimmed and lowercased. Empty rows are skipped
    but keep their numbers, so a report points at the row the user sees in the file.
    """
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data.startswith(_XLSX_MAGIC):
        return _xlsx_rows(data)
    if name.endswith((".csv", ".txt")) or not name:
        return _rows(_csv_table(data))
    raise UnreadableFile("unknown_format", "upload a .csv or .xlsx file")


def _csv_table(data: bytes) -> Iterator[list[str]]:
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts the file with a byte order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "not_utf8", "the file is not UTF-8 text; save it as 'CSV UTF-8' and upload again"
        ) from None
    if "\x00" in text:
        raise UnreadableFile("unknown_format", "this is not a CSV text file")
    first_line = text.split("\n", 1)[0]
    # Dutch spreadsheets separate with semicolons (the comma is the decimal sign).
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return _csv_lines(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _csv_lines(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The reader's lines, read as they are asked for (so reading stops at MAX_ROWS)."""
    try:
        yield from reader
    except csv.Error as error:
        raise UnreadableFile("bad_csv", f"the CSV file cannot be read: {error}") from None


def _xlsx_rows(data: bytes) -> list[SheetRow]:
    try:
        with closing(first_sheet_rows(data, max_columns=MAX_COLUMNS)) as table:
            return _rows(table)
    except UnreadableFile:
        raise
    except UnreadableWorkbook as error:
        raise UnreadableFile(error.code, str(error), **error.params) from None
    except Exception:  # a broken zip or XML, or a part that is not what it should be
        raise UnreadableFile("not_xlsx", "the file is not a readable XLSX workbook") from None


def _cell(value: Any) -> Any:
    """Trim text and turn an Excel date-time at midnight into a date; keep numbers as they are."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _has_value(cells: Sequence[Any]) -> bool:
    # Counting runs in C: a line of a million empty cells costs next to nothing.
    if cells.count(None) + cells.count("") == len(cells):
        return False
    return any(not _is_empty(_cell(v)) for v in cells)


def _numbered(table: Iterable[Sequence[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
    """Each line with its number; past the header's line and MAX_ROWS more, a refusal."""
    for line, raw in enumerate(table, start=1):
        if line > MAX_ROWS + 1:
            raise UnreadableFile(
                "too_many_rows", f"the file has more than {MAX_ROWS} rows", max=str(MAX_ROWS)
            )
        yield line, raw


def _header(raw: Sequence[Any]) -> list[str]:
    if _has_value(raw[MAX_COLUMNS:]):
        raise UnreadableFile(
            "too_many_columns", f"the header has more than {MAX_COLUMNS} columns",
            max=str(MAX_COLUMNS),
        )
    header = [str(_cell(v) or "").lower() for v in raw[:MAX_COLUMNS]]
    while header and header[-1] == "":
        header.pop()
    seen: set[str] = set()
    for name in header:
        if name == "":
            raise UnreadableFile("no_header", "a column has no name in the header row")
        if name in seen:
            raise UnreadableFile(
                "duplicate_column", f"the column '{name}' appears twice", name=name
            )
        seen.add(name)
    return header


def _rows(table: Iterable[Sequence[Any]]) -> list[SheetRow]:
    lines = _numbered(table)
    header = next((_header(raw) for _, raw in lines if _has_value(raw)), None)
    if header is None:
        raise UnreadableFile("empty", "the file is empty; the first row must name the columns")
    rows: list[SheetRow] = []
    for line, raw in lines:
        if not _has_value(raw):
            continue
        if _has_value(raw[len(header):]):
            raise UnreadableFile(
                "extra_cells", f"row {line} has more cells than the header has columns",
                row=str(line),
            )
        cells = [_cell(v) for v in raw[: len(header)]]
        values = {name: cells[i] if i < len(cells) else None for i, name in enumerate(header)}
        rows.append(SheetRow(values, line))
    return rows


# --- templates ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")  # the Dutch decimal sign, as Excel shows it
    return str(value)


def template_csv(columns: Sequence[str], example: dict[str, Any]) -> bytes:
    """A semicolon-separated UTF-8 CSV with the header and one example row.

    Semicolons and a byte order mark make Dutch Excel open it in columns, with accents intact.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow([_text(example.get(c, "")) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(columns: Sequence[str], example: dict[str, Any], *, title: str) -> bytes:
    """An XLSX workbook with the header and one example row on its first sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(columns))
    sheet.append([_xlsx_value(example.get(c, "")) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=2, column=index).number_format = (
            "DD-MM-YYYY" if isinstance(example.get(column), date) else "General"
        )
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(column) + 2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return value
