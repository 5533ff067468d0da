"""Spreadsheet cells to values: Dutch and ISO dates, decimal commas, ja/nee, lists.

A cell arrives as text (CSV) or as a number, date or boolean (XLSX); the input schemas expect
Python values. The converter for a field is chosen from the schema's own type of that field.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin


class CellError(Exception):
    """A cell that cannot be read as its field's type; `code` names the kind."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


# --- cells to values ---------------------------------------------------------------------------

_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^-?\d+$")
_TRUE = {"ja", "j", "yes", "y", "true", "waar", "1"}
_FALSE = {"nee", "n", "no", "false", "onwaar", "0"}


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if match := _DUTCH_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise CellError("date_parsing", f"'{text}' is not a date; write 13-01-2026 or 2026-01-13")


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value).replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        # Whichever comes last is the decimal sign; the other groups thousands.
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise CellError("decimal_parsing", f"'{value}' is not an amount; write 560,00 or 560.00")
    return number


def _to_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    text = str(value).strip()
    if _INTEGER.match(text):
        return int(text)
    raise CellError("int_parsing", f"'{value}' is not a whole number")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(int(value) if isinstance(value, float) and value.is_integer() else value)
    text = text.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("bool_parsing", f"'{value}' is not yes or no; write ja or nee")


def to_text(value: Any) -> str:
    """Text of a cell; a whole number from a spreadsheet loses its `.0`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def converter(annotation: Any) -> Callable[[Any], Any]:
    """Pick how to read a cell from the schema's type of the field."""
    if get_origin(annotation) in (Union, UnionType):
        annotation = next(a for a in get_args(annotation) if a is not NoneType)
    if get_origin(annotation) is list:
        item = converter(get_args(annotation)[0])

        def to_list(value: Any) -> list[Any]:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return [item(value)]
            parts = re.split(r"[|,]", str(value))
            return [item(part.strip()) for part in parts if part.strip()]

        return to_list
    return {
        bool: _to_bool, int: _to_int, Decimal: _to_decimal, date: _to_date
    }.get(annotation, to_text)

