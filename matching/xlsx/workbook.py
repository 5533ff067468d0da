"""What reading the first sheet needs from the rest of a workbook: where the sheet is, the
shared strings, which cell styles show dates, and the calendar the dates count from."""

import posixpath
import zipfile
from datetime import datetime

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH

from matching.xlsx.parsing import Budget, UnreadableWorkbook, read


class _Relationships:
    """A part's relationships: id -> (the type's last word, the target's path)."""

    done = False

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.found: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "Relationship":
            target = attributes.get("Target", "")
            path = (target[1:] if target.startswith("/")
                    else posixpath.normpath(posixpath.join(self.folder, target)))
            kind = attributes.get("Type", "").rpartition("/")[2]
            self.found[attributes.get("Id", "")] = (kind, path)

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def _relationships(archive: zipfile.ZipFile, part: str,
                   budget: Budget) -> dict[str, tuple[str, str]]:
    folder, name = posixpath.split(part)
    handler = _Relationships(folder)
    read(archive, posixpath.join(folder, "_rels", f"{name}.rels"), budget, handler)
    return handler.found


class _Sheets:
    """The workbook part: its sheets' relationship ids in tab order, and its calendar."""

    done = False

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.epoch: datetime = WINDOWS_EPOCH

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "workbookPr" and attributes.get("date1904") in ("1", "true"):
            self.epoch = CALENDAR_MAC_1904
        elif name == "sheet":
            self.ids += [v for k, v in attributes.items() if k.endswith("}id")]

    def end(self, name: str) -> None:
        if name == "sheets":
            self.done = True

    def text(self, data: str) -> None:
        pass


class Book:
    """What reading the first sheet needs from the rest of the workbook."""

    def __init__(self, sheet: str, epoch: datetime) -> None:
        self.sheet = sheet
        self.epoch = epoch
        self.strings: list[str] = []
        self.dates: set[int] = set()
        self.durations: set[int] = set()


def read_workbook(archive: zipfile.ZipFile, budget: Budget) -> Book:
    office = [p for kind, p in _relationships(archive, "", budget).values()
              if kind == "officeDocument"]
    if not office:
        raise UnreadableWorkbook("not_xlsx", "the archive holds no workbook")
    sheets = _Sheets()
    read(archive, office[0], budget, sheets)
    parts = _relationships(archive, office[0], budget)
    worksheets = [parts[i][1] for i in sheets.ids if parts.get(i, ("",))[0] == "worksheet"]
    if not worksheets:
        raise UnreadableWorkbook("empty", "the workbook has no sheets")
    book = Book(worksheets[0], sheets.epoch)
    for kind, path in parts.values():
        if kind == "sharedStrings":
            strings = _SharedStrings()
            read(archive, path, budget, strings)
            book.strings = strings.strings
        elif kind == "styles":
            styles = _DateStyles()
            read(archive, path, budget, styles)
            book.dates, book.durations = styles.dates, styles.durations
    return book


class StringText:
    """The text of a string (shared, or inline in a cell): its plain text and its runs,
    not its phonetic guide. `start`/`end` see the string's inner elements."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.in_text = False
        self.in_guide = False

    def start(self, name: str) -> None:
        if name == "rPh":
            self.in_guide = True
        elif name == "t" and not self.in_guide:
            self.in_text = True

    def end(self, name: str) -> None:
        if name == "rPh":
            self.in_guide = False
        elif name == "t":
            self.in_text = False

    def text(self, data: str) -> None:
        if self.in_text:
            self.parts.append(data)

    def value(self) -> str:
        return "".join(self.parts)


class _SharedStrings:
    done = False

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.current: StringText | None = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "si":
            self.current = StringText()
        elif self.current is not None:
            self.current.start(name)

    def end(self, name: str) -> None:
        if self.current is None:
            return
        if name == "si":
            self.strings.append(self.current.value())
            self.current = None
        else:
            self.current.end(name)

    def text(self, data: str) -> None:
        if self.current is not None:
            self.current.text(data)


class _DateStyles:
    """The cell styles (by index) whose number format shows a date, and those a duration."""

    done = False

    def __init__(self) -> None:
        self.custom: dict[int, str] = {}
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        self.index = -1  # the last cell style seen; -1 outside <cellXfs>

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "numFmt":
            self.custom[int(attributes.get("numFmtId", "0"))] = attributes.get("formatCode", "")
        elif name == "cellXfs":
            self.index = 0
        elif name == "xf" and self.index >= 0:
            number_format = int(attributes.get("numFmtId", "0"))
            code = self.custom.get(number_format) or BUILTIN_FORMATS.get(number_format) or ""
            if is_date_format(code):
                self.dates.add(self.index)
            if is_timedelta_format(code):
                self.durations.add(self.index)
            self.index += 1

    def end(self, name: str) -> None:
        if name == "cellXfs":
            self.done = True

    def text(self, data: str) -> None:
        pass
