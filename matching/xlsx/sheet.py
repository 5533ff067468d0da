"""The rows of a workbook's first worksheet, streamed: a missing row comes as an empty one
(so it counts toward the caller's limit), and a row keeps at most `max_columns` cells."""

import io
import zipfile
from collections.abc import Generator
from typing import Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

from matching.xlsx.parsing import (
    MAX_ELEMENTS,
    MAX_UNPACKED_BYTES,
    Budget,
    UnreadableWorkbook,
    parse,
    too_large,
)
from matching.xlsx.workbook import Book, StringText, read_workbook


def first_sheet_rows(data: bytes, *, max_columns: int) -> Generator[list[Any], None, None]:
    """Yield each row of the first worksheet, from row 1, as its cell values from column A.

    A row the sheet leaves out is an empty list. Cells past `max_columns` are not kept: the
    first value among them stands in column `max_columns + 1`, so the caller sees the row
    is too wide. Dates come as datetimes, numbers as int or float, text as it is.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # zipfile never unpacks a part past the size the archive states for it.
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise too_large()
        budget = Budget(MAX_ELEMENTS)
        book = read_workbook(archive, budget)
        sheet = _Sheet(book, max_columns)
        expected = 1
        for _ in parse(archive, book.sheet, budget, sheet):
            for number, values in sheet.finished:
                for _gap in range(expected, number):
                    yield []
                yield values
                expected = number + 1
            sheet.finished.clear()
            if sheet.done:
                return


class _Sheet:
    """The worksheet's rows, each (its number, its values), in `finished` as they end."""

    done = False

    def __init__(self, book: Book, max_columns: int) -> None:
        self.book = book
        self.max_columns = max_columns
        self.finished: list[tuple[int, list[Any]]] = []
        self.next_number = 1  # the number of a row that does not say
        self.number, self.count, self.column = 0, 0, 0
        self.cells: dict[int, Any] = {}
        self.beyond: Any = None
        self.kind, self.style = "n", 0
        self.raw: list[str] = []  # the text of the cell's <v>
        self.in_value = False
        self.inline: StringText | None = None  # the cell's inline string, while in it

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.inline is not None:
            self.inline.start(name)
        elif name == "row":
            self.number = int(attributes.get("r") or self.next_number)
            if self.number < self.next_number:
                raise UnreadableWorkbook("not_xlsx", f"row {self.number} is out of order")
            self.next_number = self.number + 1
            self.cells, self.beyond, self.count, self.column = {}, None, 0, 0
        elif name == "c":
            self.count += 1
            if self.count > self.max_columns:
                raise UnreadableWorkbook(
                    "row_too_wide", f"row {self.number} has more than {self.max_columns} cells",
                    row=str(self.number), max=str(self.max_columns))
            reference = attributes.get("r")
            self.column = (column_index_from_string(coordinate_from_string(reference)[0])
                           if reference else self.column + 1)
            self.kind, self.style = attributes.get("t", "n"), int(attributes.get("s") or 0)
            self.raw = []
        elif name == "v":
            self.in_value = True
        elif name == "is":
            self.inline = StringText()

    def text(self, data: str) -> None:
        if self.inline is not None:
            self.inline.text(data)
        elif self.in_value:
            self.raw.append(data)

    def end(self, name: str) -> None:
        if name == "is":
            return  # the inline string is taken when its cell ends
        if self.inline is not None and name != "c":
            self.inline.end(name)
        elif name == "v":
            self.in_value = False
        elif name == "c":
            self._place(self._value())
            self.inline = None
        elif name == "row":
            width = max(self.cells, default=0)
            values = [self.cells.get(i) for i in range(1, width + 1)]
            if self.beyond is not None:
                values += [None] * (self.max_columns - width) + [self.beyond]
            self.finished.append((self.number, values))
        elif name == "sheetData":
            self.done = True

    def _place(self, value: Any) -> None:
        if self.column <= self.max_columns:
            self.cells[self.column] = value
        elif self.beyond is None and value not in (None, ""):
            self.beyond = value

    def _value(self) -> Any:
        """The cell's value as Excel shows it (the cached result, for a formula)."""
        if self.kind == "inlineStr":
            return self.inline.value() if self.inline is not None else None
        raw = "".join(self.raw)
        if not raw:
            return None
        if self.kind == "s":
            return self.book.strings[int(raw)]
        if self.kind == "b":
            return raw.strip() not in ("0", "false")
        if self.kind == "d":
            return from_ISO8601(raw)
        if self.kind != "n":
            return raw  # "str" (a formula's text) or "e" (an error such as #N/A)
        number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
        if self.style in self.book.dates:
            try:
                return from_excel(number, self.book.epoch,
                                  timedelta=self.style in self.book.durations)
            except (OverflowError, ValueError):
                return number  # no date Excel can show; the import says it is no date
        return number
