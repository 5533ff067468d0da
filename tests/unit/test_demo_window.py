"""The demo's year is the four quarters up to the one its last day is in."""

from datetime import date

from matching.demo.timeline import window_quarters


def test_the_window_ends_with_todays_quarter_and_reaches_back_into_last_year():
    assert window_quarters(date(2026, 5, 13)) == [(2025, 3), (2025, 4), (2026, 1), (2026, 2)]


def test_a_day_in_the_last_quarter_gives_the_calendar_year():
    assert window_quarters(date(2026, 12, 2)) == [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]


def test_new_years_day_starts_a_window_of_the_year_before_and_the_new_quarter():
    assert window_quarters(date(2027, 1, 1)) == [(2026, 2), (2026, 3), (2026, 4), (2027, 1)]
