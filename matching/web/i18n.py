"""Dutch first, English available: the locale, and Dutch dates, money and quarters."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from babel import Locale, dates, numbers
from babel.support import NullTranslations
from flask import Flask, g, request, session
from flask_babel import (
    Babel,
    LazyString,
    format_currency,
    format_date,
    format_datetime,
    get_locale,
    get_translations,
)
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from matching.workdays import UTRECHT

T = TypeVar("T")
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


def select_locale() -> str:
    """The language chosen with the switch, else Dutch."""
    chosen = session.get("lang") if request else None
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def language() -> str:
    """This request's language, `nl` or `en`, looked up once per request."""
    return _once_per_request("matching_language",
                             lambda: str(get_locale() or DEFAULT_LANGUAGE))


def _locale() -> Locale | None:
    return _once_per_request("matching_locale", get_locale)


def _translations() -> NullTranslations:
    """This request's catalogue, looked up once per request. Flask-Babel finds the locale and
    the domain anew for every text, each through Flask's context locals: about a tenth of
    the workers' time under load (benchmarks/README.md). Nothing here switches the
    language within a request (the switch redirects), so the first lookup holds for all."""
    return _once_per_request("matching_translations", get_translations)


def text(string: str, **variables: Any) -> str:
    """Flask-Babel's gettext (`_`), with this request's catalogue looked up once."""
    translated: str = _translations().ugettext(string)
    return translated % variables if variables else translated


def lazy_text(string: str, **variables: Any) -> LazyString:
    """Flask-Babel's lazy_gettext (`_l`), translated by `text` when it is written: the
    labels of states, fields and choices, dozens on a page."""
    return LazyString(text, string, **variables)


_l = lazy_text


def decimal(value: Decimal | float | int, pattern: str) -> str:
    """`value` written with a number pattern of Babel's in the page's language."""
    if type(value) is int and _WHOLE.match(pattern):
        # A count with digits grouped by three and no decimals required: what Babel would
        # write, without its pattern machinery (a report page writes hundreds of them).
        grouped = f"{value:,}"
        return grouped.replace(",", ".") if language() == "nl" else grouped
    return numbers.format_decimal(value, format=_number_pattern(pattern), locale=_locale())


# `#,##0`, optionally with decimals that are written only when there are any (`#,##0.##`).
_WHOLE = re.compile(r"^#,##0(\.#+)?$")


@lru_cache(maxsize=32)
def _number_pattern(pattern: str) -> numbers.NumberPattern:
    # Babel parses a number pattern anew at every call; a report page writes hundreds.
    return numbers.parse_pattern(pattern)


def _day(value: date | datetime, pattern: str) -> str:
    locale = _locale()
    if locale is None:
        return str(format_date(value, pattern))
    if isinstance(value, datetime):
        # The day it was in Utrecht (a moment without a zone is UTC, as Flask-Babel takes it).
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        value = moment.astimezone(UTRECHT).date()
    return _day_text(value, pattern, str(locale))


@lru_cache(maxsize=4096)
def _day_text(value: date, pattern: str, locale: str) -> str:
    # A list writes a date or two per row, and the same days recur on every page.
    return dates.format_date(value, pattern, locale=locale)


def _once_per_request(key: str, look_up: Callable[[], T]) -> T:
    try:
        found: T | None = g.get(key)
    except RuntimeError:  # no application context (a command): Babel's defaults apply
        return look_up()
    if found is None:
        found = look_up()
        setattr(g, key, found)
    return found


# Day, month, year in both languages: `13 januari 2026` / `13 January 2026`. One pattern for
# dates and moments, so a page never mixes `January 13, 2026` with `13 January 2026 14:05`.
LONG_DATE = "d MMMM yyyy"


def long_date(value: date | datetime | str | None) -> str:
    """`13 januari 2026` in Dutch, `13 January 2026` in English (ISO text accepted)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return _day(value, LONG_DATE)


def short_date(value: date | datetime | None) -> str:
    """`13-01-2026` in Dutch, `13 Jan 2026` in (British) English: day first in both."""
    if value is None:
        return "–"
    return _day(value, "dd-MM-yyyy" if language() == "nl" else "d MMM yyyy")


def moment(value: datetime | None) -> str:
    """A timestamp in Utrecht's time: `13 januari 2026 14:05` (`13 January 2026 14:05`)."""
    if value is None:
        return "–"
    return _at(value, f"{LONG_DATE} HH:mm")


def clock(value: datetime) -> str:
    """The time of day in Utrecht: `14:05`."""
    return _at(value, "HH:mm")


def _at(value: datetime, pattern: str) -> str:
    """`value` in Utrecht's time, as Flask-Babel writes it but without its lookups of the
    zone and locale per value (a history table writes a moment per row)."""
    locale = _locale()
    if locale is None:
        return str(format_datetime(value, pattern))
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)  # no zone: UTC, as Babel
    return dates.format_datetime(aware, pattern, tzinfo=UTRECHT, locale=locale)


def money(value: Decimal | float | int | None) -> str:
    """`€ 1.234,56` in Dutch."""
    if value is None:
        return "–"
    locale = _locale()
    if locale is None:
        return str(format_currency(value, "EUR"))
    return _money_text(value, str(locale))


@lru_cache(maxsize=4096)
def _money_text(value: Decimal | float | int, locale: str) -> str:
    # Rents and incomes recur row after row; Babel works each one out from its pattern.
    return numbers.format_currency(value, "EUR", locale=locale)


def quarter(code: str | None) -> str:
    """`2019Q3` as `K3 2019` (Dutch) or `Q3 2019` (English)."""
    if not code or "Q" not in code:
        return code or "–"
    year, number = code.split("Q", 1)
    letter = "K" if language() == "nl" else "Q"
    return f"{letter}{number} {year}"


def number(value: Decimal | float | int | None, digits: int = 2) -> str:
    """`9,5`, `17`, `1.234` in Dutch (`9.5`, `17`, `1,234` in English): a decimal comma and
    no stray `.0`, at most `digits` decimals."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return decimal(value, pattern)


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dated(text: str | None) -> str:
    """A stored sentence with the dates in it as the page shows dates (`13-01-2026`), not
    ISO: the engine keeps its explanations language-neutral in what it stores."""
    if not text:
        return text or ""

    def shown(found: re.Match[str]) -> str:
        try:
            return short_date(date.fromisoformat(found.group(0)))
        except ValueError:
            return found.group(0)

    return _ISO_DATE.sub(shown, text)


def policy(version: str | None) -> str:
    """The engine's policy by name, not its code: `ranking-1/2019` is the first ranking
    policy with the weights of the year parameters of 2019."""
    if not version:
        return "–"
    if version == "manual":
        return str(_l("zelf gekozen, zonder rangschikking"))
    family, _slash, year = version.partition("/")
    number_part = family.rsplit("-", 1)[-1]
    if not number_part.isdigit():
        return version
    if year.isdigit():
        return str(_l("%(n)s, met de wegingen van %(year)s", n=number_part, year=year))
    return str(_l("%(n)s, met de standaardwegingen", n=number_part))


def label(row: Any) -> str:
    """A reference row's label in the current language (`label_nl` / `label_en`)."""
    if row is None:
        return "–"
    return str(getattr(row, f"label_{language()}", None) or getattr(row, "label_nl", ""))


def yes_no(value: bool | None) -> str:
    return str(_l("ja") if value else _l("nee"))


STATE_LABELS = {
    "draft": _l("concept"),
    "submitted": _l("voorgedragen"),
    "proposed": _l("kandidaten voorgesteld"),
    "matched": _l("gematcht"),
    "offer_accepted": _l("aanbod geaccepteerd"),
    "let": _l("verhuurd"),
    "withdrawn": _l("ingetrokken"),
    "released": _l("vrijgegeven"),
    "open": _l("open"),
    "overdue": _l("te laat"),
    "accepted": _l("geaccepteerd"),
    "rejected": _l("afgewezen"),
    "cancelled": _l("geannuleerd"),
    "pending": _l("wacht op besluit"),
    "not_chosen": _l("niet gekozen"),
    "registered": _l("aangemeld"),
    "waiting": _l("wachtend"),
    "housed": _l("gehuisvest"),
    "offer_refused": _l("aanbod geweigerd"),
    "on_hold": _l("tijdelijk niet beschikbaar"),
    "active": _l("lopend"),
    "review_due": _l("evaluatie nodig"),
    "extended": _l("verlengd"),
    "transferred": _l("omgeklapt"),
    "ending": _l("loopt af"),
    "ended": _l("beëindigd"),
}

TRIGGER_LABELS = {
    "submit": _l("voordragen"),
    "withdraw": _l("intrekken"),
    "release": _l("vrijgeven"),
    "propose": _l("kandidaten voorstellen"),
    "accept": _l("accepteren"),
    "reject": _l("afwijzen"),
    "let": _l("verhuren"),
    "approve": _l("goedkeuren"),
    "hold": _l("pauzeren"),
    "resume": _l("hervatten"),
    "reinstate": _l("herstellen"),
    "transfer": _l("omklappen"),
    "extend": _l("verlengen"),
    "end": _l("beëindigen"),
    "accept_offer": _l("aanbod geaccepteerd"),
    "decline_offer": _l("aanbod afgeslagen"),
    "cancel": _l("annuleren"),
    "house_in_place": _l("instellingswoning omgeklapt registreren"),
}

# Events in a history that the system or another party causes, beyond the triggers a user
# fires (TRIGGER_LABELS above).
EVENT_LABELS = {
    "create": _l("aangemaakt"),
    "requeue": _l("terug in de wachtrij"),
    "reopen": _l("terug naar Het Vierde Huis voor een nieuwe ronde"),
    "refuse_offer": _l("aanbod geweigerd"),
    "house": _l("gehuisvest"),
    "house_in_place": _l("gehuisvest: instellingswoning omgeklapt"),
    "due": _l("evaluatie komt eraan"),
    "approach_end": _l("einde komt in zicht"),
    "escalate": _l("over de beslistermijn"),
    "pass_over": _l("niet gekozen"),
}

# The same event reads differently on a client than on a dwelling: a client is proposed for
# a dwelling, a dwelling gets candidates proposed.
SUBJECT_EVENT_LABELS = {
    "client": {
        "propose": _l("voorgesteld voor een woning"),
        "match": _l("gekozen door de corporatie"),
    },
    "dwelling": {
        "propose": _l("kandidaten voorgesteld door Het Vierde Huis"),
        "match": _l("kandidaat gekozen"),
        "accept_offer": _l("aanbod geaccepteerd door de cliënt"),
        "decline_offer": _l("aanbod afgeslagen door de cliënt"),
    },
}


def event(trigger: str | None, subject: str = "") -> str:
    """The words for an event in the history of a `subject` (client, dwelling, lease)."""
    if trigger is None:
        return "–"
    words = (SUBJECT_EVENT_LABELS.get(subject, {}).get(trigger) or EVENT_LABELS.get(trigger)
             or TRIGGER_LABELS.get(trigger) or trigger)
    return str(words)


ROLE_LABELS = {
    "corporation": _l("corporatie"),
    "matcher": _l("matcher"),
    "care_provider": _l("zorgaanbieder"),
    "analyst": _l("analist"),
    "admin": _l("beheerder"),
}

LEASE_TYPE_LABELS = {
    "direct": _l("direct"),
    "flip": _l("omklapcontract"),
    "campus": _l("campuscontract"),
}

# A dwelling's designation and a client's phase use the same two words.
DESIGNATION_LABELS = {
    "uitstroom": _l("uitstroom"),
    "instroom": _l("instroom"),
}

NEED_LABELS = {
    "ground_floor": _l("begane grond"),
    "lift": _l("lift"),
    "wheelchair": _l("rolstoel"),
}


def _lookup(table: dict[str, Any]):
    def find(value: str | None) -> str:
        if value is None:
            return "–"
        return str(table.get(value, value))

    return find


# The templates' texts as written, per language, escaping and text: a template asks for the
# same few hundred literals on every page, up to ten per row of a list. Bounded by those
# literals: a template passes nothing else (its variables go in `variables`).
_WRITTEN: dict[tuple[str, bool, str], str] = {}


@pass_eval_context
def _template_gettext(context: EvalContext, string: str, **variables: Any) -> str:
    """Jinja's newstyle `_()` and `gettext()`: the text in the request's language, always
    formatted with `variables` (escaped in an HTML template). Jinja's own goes through two
    context calls and a lookup of its own per text."""
    if not variables:
        key = (language(), context.autoescape, string)
        written = _WRITTEN.get(key)
        if written is None:
            written = _WRITTEN[key] = _formatted(context, _translations().ugettext(string), {})
        return written
    return _formatted(context, _translations().ugettext(string), variables)


@pass_eval_context
def _template_ngettext(context: EvalContext, singular: str, plural: str, num: int,
                       **variables: Any) -> str:
    """Jinja's newstyle `ngettext()`: `num` is also a variable of the text."""
    variables.setdefault("num", num)
    return _formatted(context, _translations().ungettext(singular, plural, num), variables)


def _formatted(context: EvalContext, translated: str, variables: dict[str, Any]) -> str:
    return (Markup(translated) if context.autoescape else translated) % variables


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    Babel(app, locale_selector=select_locale)
    # The templates' _(), gettext() and ngettext(): newstyle, as Babel installs them (the
    # extension compiles {% trans %} for that), then answered by this module's.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda text: _translations().ugettext(text),
        ngettext=lambda one, many, n: _translations().ungettext(one, many, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
    # Imported here: the source labels format with this module's quarter and number.
    from matching.web.sources import lettings_source, source_label

    app.jinja_env.filters.update(
        source_label=source_label,
        lettings_source=lettings_source,
        long_date=long_date,
        short_date=short_date,
        moment=moment,
        clock=clock,
        money=money,
        quarter=quarter,
        number=number,
        dated=dated,
        policy=policy,
        label=label,
        yes_no=yes_no,
        state=_lookup(STATE_LABELS),
        trigger=_lookup(TRIGGER_LABELS),
        event=event,
        role=_lookup(ROLE_LABELS),
        lease_type=_lookup(LEASE_TYPE_LABELS),
        designation=_lookup(DESIGNATION_LABELS),
        need=_lookup(NEED_LABELS),
    )
    app.jinja_env.globals.update(language=language, LANGUAGES=LANGUAGES)
