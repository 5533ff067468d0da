"""Working days with Dutch public holidays, for deadlines (product.md section 7)."""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

# Dates (quarters, deadlines, the start of a wait) are Utrecht's calendar dates, not UTC's:
# a dwelling submitted at 00:30 on 1 October in Utrecht counts for the fourth quarter.
UTRECHT = ZoneInfo("Europe/Amsterdam")


def local_date(moment: datetime) -> date:
    """Return the calendar date in Utrecht of an aware moment."""
    return moment.astimezone(UTRECHT).date()


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year))


def is_working_day(day: date) -> bool:
    """Return whether `day` is a weekday that is not a Dutch public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """Return the date `count` working days after `start`."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Count the working days after `start` up to and including `end`."""
    if end <= start:
        return 0
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(n)))
