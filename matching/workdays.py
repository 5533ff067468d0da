"""Working days with Dutch public holidays, for deadlines (product.md section 7).

The holidays are the `holidays` library's Dutch list, but for Good Friday: the Algemene
termijnenwet, which Dutch deadlines follow, does not count it, and most corporations and
care providers work that day. A year parameter (`good_friday_is_holiday`) makes it a day off
for partners who agree otherwise; `WorkCalendar` carries that choice.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

# Dates (quarters, deadlines, the start of a wait) are Utrecht's calendar dates, not UTC's:
# a dwelling submitted at 00:30 on 1 October in Utrecht counts for the fourth quarter.
UTRECHT = ZoneInfo("Europe/Amsterdam")


def local_date(moment: datetime) -> date:
    """Return the calendar date in Utrecht of an aware moment."""
    return moment.astimezone(UTRECHT).date()


def good_friday(year: int) -> date:
    return easter(year) - timedelta(days=2)


@lru_cache(maxsize=128)
def _holidays(year: int, good_friday_off: bool) -> frozenset[date]:
    days = set(holidays.country_holidays("NL", years=year))
    if good_friday_off:
        days.add(good_friday(year))
    else:
        days.discard(good_friday(year))
    return frozenset(days)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days count as working days: weekdays that are not Dutch public holidays."""

    good_friday_off: bool = False

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _holidays(day.year, self.good_friday_off)

    def add_working_days(self, start: date, count: int) -> date:
        """Return the date `count` working days after `start`."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count the working days after `start` up to and including `end`."""
        if end <= start:
            return 0
        return sum(1 for n in range(1, (end - start).days + 1)
                   if self.is_working_day(start + timedelta(n)))


# The calendar when no year parameter says otherwise.
STATUTORY = WorkCalendar()


def is_working_day(day: date) -> bool:
    """Return whether `day` is a working day on the statutory calendar."""
    return STATUTORY.is_working_day(day)


def add_working_days(start: date, count: int) -> date:
    """Return the date `count` working days after `start` (statutory calendar)."""
    return STATUTORY.add_working_days(start, count)


def working_days_between(start: date, end: date) -> int:
    """Count the working days after `start` up to and including `end` (statutory calendar)."""
    return STATUTORY.working_days_between(start, end)
