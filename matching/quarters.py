"""Quarters (`2019Q3`) and half-years (`2022H1`) as the API writes them."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def label_nl(self) -> str:
        return f"K{self.number} {self.year}"

    @property
    def previous(self) -> "Quarter":
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    @property
    def following(self) -> "Quarter":
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)


def parse_quarter(text: str) -> Quarter:
    """Parse `2019Q3`; raise ValueError with a readable message otherwise."""
    match = _QUARTER.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a quarter; write it like 2019Q3")
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise ValueError(f"'{text}' lies outside the years 2000 to 2100")
    return Quarter(year, int(match.group(2)))


def quarter_of(day: date) -> str:
    """Return the quarter a date falls in, written like 2019Q3."""
    return str(Quarter(day.year, (day.month - 1) // 3 + 1))


_HALF = re.compile(r"^(\d{4})H([12])$")


@dataclass(frozen=True, order=True)
class HalfYear:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}H{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 1 if self.number == 1 else 7, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 6, 30) if self.number == 1 else date(self.year, 12, 31)

    @property
    def previous(self) -> "HalfYear":
        return HalfYear(self.year - 1, 2) if self.number == 1 else HalfYear(self.year, 1)


def parse_half(text: str) -> HalfYear:
    """Parse `2022H1`; raise ValueError with a readable message otherwise."""
    match = _HALF.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a half-year; write it like 2022H1")
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise ValueError(f"'{text}' lies outside the years 2000 to 2100")
    return HalfYear(year, int(match.group(2)))
