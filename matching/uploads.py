"""Reading an uploaded CSV or XLSX file into rows keyed by its header, and writing templates.

Corporations upload a quarter's dwellings and care providers their clients (product.md
section 6). A file is read whole before anything is validated, so a broken file is refused
with one clear message instead of half a report.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from matching.services.errors import ValidationFailed

# A quarter's dwellings or a provider's waiting clients: a few thousand rows at most. The
# bound keeps one upload from holding a request (and a transaction) for minutes.
MAX_ROWS = 5000

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
        table = _csv_table(data)
    else:
        raise UnreadableFile("unknown_format", "upload a .csv or .xlsx file")
    return _rows(table)


def _csv_table(data: bytes) -> Iterable[Sequence[Any]]:
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
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile("bad_csv", f"the CSV file cannot be read: {error}") from None


def _xlsx_rows(data: bytes) -> list[SheetRow]:
    from openpyxl import load_workbook

    unreadable = UnreadableFile("not_xlsx", "the file is not a readable XLSX workbook")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a broken zip, missing parts, or openpyxl's own errors
        raise unreadable from None
    try:
        if not workbook.worksheets:
            raise UnreadableFile("empty", "the workbook has no sheets")
        # In read-only mode the sheet's XML is parsed while the rows are read, so a broken
        # sheet surfaces here; reading streams, so a huge sheet stops at MAX_ROWS.
        return _rows(workbook.worksheets[0].iter_rows(values_only=True))
    except UnreadableFile:
        raise
    except Exception:
        raise unreadable from None
    finally:
        workbook.close()


def _cell(value: Any) -> Any:
    """Trim text and turn an Excel date-time at midnight into a date; keep numbers as they are."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _rows(table: Iterable[Sequence[Any]]) -> list[SheetRow]:
    iterator = iter(table)
    header: list[str] | None = None
    line = 0
    for raw in iterator:
        line += 1
        if any(not _is_empty(_cell(v)) for v in raw):
            header = [str(_cell(v) or "").lower() for v in raw]
            break
    if header is None:
        raise UnreadableFile("empty", "the file is empty; the first row must name the columns")
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
    rows: list[SheetRow] = []
    for raw in iterator:
        line += 1
        cells = [_cell(v) for v in raw]
        if all(_is_empty(v) for v in cells):
            continue
        if any(not _is_empty(v) for v in cells[len(header):]):
            raise UnreadableFile(
                "extra_cells", f"row {line} has more cells than the header has columns",
                row=str(line),
            )
        values = {name: cells[i] if i < len(cells) else None for i, name in enumerate(header)}
        rows.append(SheetRow(values, line))
        if len(rows) > MAX_ROWS:
            raise UnreadableFile(
                "too_many_rows", f"the file has more than {MAX_ROWS} rows", max=str(MAX_ROWS)
            )
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
