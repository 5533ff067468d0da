"""Dates and figures as the pages write them in each language (matching/web/i18n.py and
report_format.py), with the language and catalogue looked up once per request."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel import numbers
from flask import Flask, session
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.config import Settings
from matching.web import create_app
from matching.web.i18n import decimal, language, long_date, number, short_date
from matching.web.report_format import figure_number, figure_pct


@pytest.fixture(scope="module")
def app() -> Flask:
    # No request here reaches the database.
    return create_app(Settings(database_url="sqlite://", secret_key="test", env="development"))


@contextmanager
def _request_in(app: Flask, lang: str) -> Iterator[None]:
    """A request of a user who chose `lang` with the language switch."""
    with app.test_request_context("/"):
        session["lang"] = lang
        yield


@pytest.mark.parametrize(("lang", "expected"), [
    ("nl", ["13-01-2026", "13 januari 2026", "1.234,57", "22,5%", "9,5", "1.235", "nl"]),
    ("en", ["13 Jan 2026", "13 January 2026", "1,234.57", "22.5%", "9.5", "1,235", "en"]),
])
def test_each_language_writes_dates_and_figures_its_own_way(app, lang, expected):
    with _request_in(app, lang):
        written = [short_date(date(2026, 1, 13)), long_date("2026-01-13"),
                   number(Decimal("1234.567")), figure_pct(22.5), figure_number(9.5),
                   figure_number(1235), language()]
    assert written == expected


def test_a_moment_is_dated_by_utrechts_clock_not_by_utc(app):
    late_evening_utc = datetime(2026, 1, 13, 23, 30, tzinfo=UTC)  # 00:30 on the 14th there
    with _request_in(app, "nl"):
        assert short_date(late_evening_utc) == "14-01-2026"


def test_the_next_request_asks_for_its_own_language(app):
    with _request_in(app, "en"):
        assert short_date(date(2026, 3, 2)) == "2 Mar 2026"
    with _request_in(app, "nl"):
        assert short_date(date(2026, 3, 2)) == "02-03-2026"


def test_outside_a_request_the_default_language_applies():
    assert language() == "nl"
    assert short_date(None) == "–"


@settings(max_examples=300, deadline=None)
@given(value=st.integers(min_value=-10**12, max_value=10**12),
       pattern=st.sampled_from(["#,##0", "#,##0.#", "#,##0.##"]),
       lang=st.sampled_from(["nl", "en"]))
def test_a_count_is_written_as_babel_writes_it(app, value, pattern, lang):
    """Whole counts skip Babel's pattern machinery: the same text, in either language."""
    with _request_in(app, lang):
        assert decimal(value, pattern) == numbers.format_decimal(value, format=pattern,
                                                                 locale=lang)
