"""The page downloads as a Dutch user's spreadsheet opens them without a fight.

CSV: `;` between cells and a decimal comma (what Excel with Dutch regional settings expects),
UTF-8 with a byte-order mark (else Excel reads `cliënten` as `cliÃ«nten`), dates as
dd-mm-jjjj, each table under its title and a header row in the reader's language.
XLSX: a sheet per table, numbers as number cells, dates as date cells shown dd-mm-jjjj.

The JSON API and its CSV keep their stable keys for integrators (matching/reports/export.py);
these downloads are for people. What the headers say comes from `Wording`, which the web
layer fills from its translation catalogue.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from matching.reports.tables import FIGURE_COLUMNS, Table
from matching.workdays import UTRECHT

# Fractions in the report (0.667); written as percentages, with a `(%)` in their label.
FRACTION_KEYS = frozenset({"acceptance_rate", "rejection_rate", "share_past_three_months"})
BOM = "\ufeff"
DATE_FORMAT = "dd-mm-yyyy"  # Excel's format codes are locale-neutral: shown as 31-12-2025
MOMENT_FORMAT = "dd-mm-yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_SHEET_NAME_REFUSES = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LENGTH = 31


@dataclass(frozen=True)
class Wording:
    """The reader's words: a table's title, a column's header, a coded value, yes and no."""

    title: Callable[[str], str]  # table name -> title
    column: Callable[[str, str], str]  # (table name, key) -> header
    value: Callable[[str, str], str | None]  # (key, coded text) -> words, None: keep the text
    yes: str
    no: str


def typed(key: str, value: Any, wording: Wording) -> Any:
    """A value as its spreadsheet cell holds it: a number, a date, a moment, words or None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return wording.yes if value else wording.no
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.astimezone(UTRECHT).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return date.fromisoformat(value)
        if _ISO_MOMENT.match(value):
            return typed(key, datetime.fromisoformat(value), wording)
        return wording.value(key, value) or value
    return value


def _csv_text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float | int) and not isinstance(value, bool):
        number = Decimal(str(value))
        if key.rsplit(".", 1)[-1] in FRACTION_KEYS:
            number = (number * 100).quantize(Decimal("0.1"))
        return format(number, "f").replace(".", ",")
    return str(value)


def _header(table: Table, wording: Wording) -> list[str]:
    return [wording.column(table.name, column) for column in table.columns]


def _cells(table: Table, row: list[Any], wording: Wording) -> Iterable[tuple[str, Any]]:
    """Each cell of a row with the key it belongs to; a figures table names its keys."""
    for index, value in enumerate(row):
        key = table.key_of(row, index)
        if table.figures and index == 0:
            yield key, wording.column(table.name, str(value))
        else:
            yield key, typed(key, value, wording)


def to_csv(tables: list[Table], wording: Wording, title: str) -> bytes:
    """The tables one under another, each under its title, as Dutch Excel reads CSV."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([title])
    for table in tables:
        writer.writerow([])
        writer.writerow([wording.title(table.name)])
        writer.writerow(_header(table, wording))
        for row in table.rows:
            writer.writerow([_csv_text(key, value) for key, value in _cells(table, row, wording)])
    return (BOM + out.getvalue()).encode("utf-8")


def _sheet_name(title: str, taken: set[str]) -> str:
    """A title Excel accepts as a sheet name: 31 characters, no []:*?/\\, not yet used."""
    base = _SHEET_NAME_REFUSES.sub(" ", title).strip()[:_SHEET_NAME_LENGTH] or "Blad"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[:_SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _number_format(key: str, value: Any) -> str | None:
    if isinstance(value, datetime):
        return MOMENT_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, float | int) and key.rsplit(".", 1)[-1] in FRACTION_KEYS:
        return PERCENT_FORMAT
    return None


def to_xlsx(tables: list[Table], wording: Wording, title: str) -> bytes:
    """A sheet per table: a bold header row, then typed cells (numbers, dates)."""
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(wording.title(table.name), taken))
        sheet.append([title if not book.index(sheet) else wording.title(table.name)])
        sheet.append(_header(table, wording))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            cells = list(_cells(table, row, wording))
            sheet.append([value for _key, value in cells])
            for written, (key, value) in zip(sheet[sheet.max_row], cells, strict=True):
                if (number_format := _number_format(key, value)) is not None:
                    written.number_format = number_format
        sheet.freeze_panes = "A3"
        _fit_columns(sheet, table, wording)
    if not tables:
        book.create_sheet(_sheet_name(title, taken)).append([title])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fit_columns(sheet: Any, table: Table, wording: Wording) -> None:
    """Widen each column to its header or widest text, within reason."""
    for index, column in enumerate(table.columns, start=1):
        header = wording.column(table.name, column)
        texts = [len(str(row[index - 1])) for row in table.rows if row[index - 1] is not None]
        if table.figures and column == FIGURE_COLUMNS[0]:
            texts = [len(wording.column(table.name, str(row[0]))) for row in table.rows]
        width = min(max([len(header), *texts, 8]) + 2, 60)
        sheet.column_dimensions[get_column_letter(index)].width = width
