"""Upload files that are small on the wire but claim or unpack to far more: built by editing
a template's XML, as an attacker would, so the tests show the reader's bounds hold."""

import io
import re
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from matching.uploads import template_xlsx

SHEET = "xl/worksheets/sheet1.xml"


def with_sheet(workbook: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with its first sheet's XML passed through `change` (compressed, as Excel
    would, so a sheet of millions of repeated cells stays a few kilobytes)."""
    source, out = zipfile.ZipFile(io.BytesIO(workbook)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == SHEET else data)
    return out.getvalue()


def add_rows(xml: bytes, rows: bytes) -> bytes:
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


def claim_dimension(xml: bytes, ref: str) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), xml)


def one_cell_at_the_sheets_end(columns: Any, example: dict[str, Any]) -> bytes:
    """The template with one more cell, in A1048576, and a dimension claiming the whole sheet
    (A1:XFD1048576): a 5 KB file that openpyxl would pad to 16384 x 1048576 empty cells."""
    workbook = template_xlsx(columns, example, title="Blad")
    return with_sheet(workbook, lambda xml: add_rows(
        claim_dimension(xml, "A1:XFD1048576"),
        b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    ))


class TookTooLong(BaseException):
    """Not an Exception: a reader's `except Exception` must not turn it into a tidy refusal."""


@contextmanager
def answers_within(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the run) when the block is still busy after `seconds`; the
    alarm interrupts the Python loop that would otherwise hold the test for minutes."""

    def stop(_signum: int, _frame: Any) -> None:
        raise TookTooLong(f"still busy after {seconds} s: the work is not bounded")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
