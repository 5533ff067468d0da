"""Dates and figures as the pages write them in each language (matching/web/i18n.py and
report_format.py), with the language and catalogue looked up once per request."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import flask_babel
import pytest
from babel import dates, numbers
from flask import Flask, session
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.config import Settings
from matching.web import create_app
from matching.web.i18n import (
    clock,
    decimal,
    language,
    long_date,
    moment,
    money,
    number,
    short_date,
)
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


@settings(max_examples=200, deadline=None)
@given(days=st.lists(st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
                     min_size=1, max_size=5),
       langs=st.lists(st.sampled_from(["nl", "en"]), min_size=1, max_size=4))
def test_a_day_kept_from_an_earlier_row_is_written_in_this_requests_language(app, days, langs):
    """Days are kept once written: each request still gets them in its own language."""
    patterns = {"nl": "dd-MM-yyyy", "en": "d MMM yyyy"}
    for lang in langs:
        with _request_in(app, lang):
            for day in days:
                assert short_date(day) == dates.format_date(day, patterns[lang], locale=lang)


def _page_text(app: Flask, lang: str, template: str, name: str = "page.html",
               **values: object) -> str:
    """`template` rendered as a file of that name would be (.txt: not escaped)."""
    with _request_in(app, lang):
        autoescape = app.jinja_env.autoescape
        escaped = autoescape(name) if callable(autoescape) else autoescape
        compiled = app.jinja_env.from_string(
            "{% autoescape " + ("true" if escaped else "false") + " %}" + template
            + "{% endautoescape %}")
        return compiled.render(**values)


@pytest.mark.parametrize(("lang", "expected"), [("nl", "Vorige | Vorige"),
                                                ("en", "Previous | Previous")])
def test_a_templates_text_is_in_the_language_of_each_request(app, lang, expected):
    # Twice in one page and again in the other language: kept texts never cross languages.
    for _ in range(2):
        assert _page_text(app, lang, '{{ _("Vorige") }} | {{ gettext("Vorige") }}') == expected


def test_a_templates_variables_are_escaped_in_a_page_and_not_in_a_mail(app):
    template = '{{ _("Geen huurcontracten gevonden voor “%(text)s”.", text=typed) }}'
    typed = '<script>"x" & y</script>'
    assert _page_text(app, "nl", template, "page.html", typed=typed) == (
        "Geen huurcontracten gevonden voor “&lt;script&gt;&#34;x&#34; &amp; y&lt;/script&gt;”.")
    assert _page_text(app, "nl", template, "mail.txt", typed=typed) == (
        f"Geen huurcontracten gevonden voor “{typed}”.")


@pytest.mark.parametrize(("count", "lang", "expected"), [
    (1, "nl", "1 volwassene"), (2, "nl", "2 volwassenen"),
    (1, "en", "1 adult"), (3, "en", "3 adults")])
def test_a_templates_plural_follows_the_count(app, count, lang, expected):
    template = '{{ ngettext("%(num)s volwassene", "%(num)s volwassenen", n) }}'
    assert _page_text(app, lang, template, n=count) == expected


def test_a_templates_percent_sign_is_written_once(app):
    # Jinja's newstyle texts are always formatted, so a literal % is written as %%.
    assert _page_text(app, "nl", '{{ _("100%% bezet") }}') == "100% bezet"


@settings(max_examples=200, deadline=None)
@given(amounts=st.lists(st.decimals(min_value=-100_000, max_value=100_000, places=2,
                                    allow_nan=False), min_size=1, max_size=4),
       langs=st.lists(st.sampled_from(["nl", "en"]), min_size=1, max_size=3))
def test_money_kept_from_an_earlier_row_is_written_as_babel_writes_it(app, amounts, langs):
    for lang in langs:
        with _request_in(app, lang):
            for amount in amounts:
                assert money(amount) == flask_babel.format_currency(amount, "EUR")


@settings(max_examples=200, deadline=None)
# Up to 2037: Flask-Babel's pytz knows no summer time after it, the zoneinfo used here does.
@given(moment=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31),
                           timezones=st.sampled_from([None, UTC, ZoneInfo("America/New_York"),
                                                      ZoneInfo("Asia/Tokyo")])),
       lang=st.sampled_from(["nl", "en"]))
def test_a_moment_is_dated_as_flask_babel_dates_it_in_utrecht(app, moment, lang):
    """Around midnight and the clock changes too: the day it was in Utrecht."""
    with _request_in(app, lang):
        pattern = "dd-MM-yyyy" if lang == "nl" else "d MMM yyyy"
        assert short_date(moment) == flask_babel.format_date(moment, pattern)


@settings(max_examples=200, deadline=None)
@given(at=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31),
                       timezones=st.sampled_from([None, UTC, ZoneInfo("Asia/Tokyo")])),
       lang=st.sampled_from(["nl", "en"]))
def test_a_moment_and_its_time_of_day_are_written_as_flask_babel_writes_them(app, at, lang):
    with _request_in(app, lang):
        assert (moment(at), clock(at)) == (
            flask_babel.format_datetime(at, "d MMMM yyyy HH:mm"),
            flask_babel.format_datetime(at, "HH:mm"))
