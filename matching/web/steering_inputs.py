"""The inputs of the steering figures on a page: the agency and the administrator enter the
total lettings of each quarter of a year (the 30% rule divides by them), and the
administrator records the intervention-ladder rung the province set after a half-year."""

import re
from typing import Any

from babel.numbers import get_group_symbol
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import LazyString, format_decimal, get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from matching.queries.steering import statushouder_halves, year_lettings
from matching.reports.balance import balance
from matching.services.errors import Conflict, NotFound, ValidationFailed
from matching.services.steering import (
    MAX_QUARTER_LETTINGS,
    RUNGS,
    set_statushouder_rung,
    set_total_lettings_of_quarters,
)
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.choices import choices
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.form_return import restore_errors, returned_name, send_back, take_back
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import quarter as quarter_label
from matching.web.i18n import text as _
from matching.web.page_helpers import asked_year
from matching.web.report_format import RUNG_NAMES, rung_label

blueprint = Blueprint("steering_inputs", __name__)

ENTERING = ("matcher", "admin")
FIRST_YEAR, LAST_YEAR = 2000, 2100
QUARTERS = range(1, 5)

TOO_LONG = _l("Dit is te lang.")


class LettingsForm(FlaskForm):
    """One total and one source per quarter of `jaar` (the fields q1_total ... q4_source)."""

    jaar = HiddenField()


for _number in QUARTERS:
    setattr(LettingsForm, f"q{_number}_total", StringField(
        _l("Verhuringen in kwartaal %(number)s", number=_number),
        validators=[Length(max=12, message=TOO_LONG)]))
    setattr(LettingsForm, f"q{_number}_source", StringField(
        _l("Bron voor kwartaal %(number)s", number=_number),
        validators=[Length(max=300, message=_l("De bron is te lang (hoogstens 300 tekens)."))]))


class RungForm(FlaskForm):
    # The service judges the choices, so a stale or forged value gets its Dutch words.
    half = SelectField(_l("Halfjaar"), validate_choice=False)
    rung = SelectField(_l("Trede"), validate_choice=False,
                       choices=choices([("", _l("Kies een trede")),
                                         *((n, LazyString(rung_label, n)) for n in RUNG_NAMES)]))
    note = TextAreaField(_l("Toelichting: het besluit van de provincie"),
                         validators=[Length(max=1000, message=TOO_LONG)])


def _year(value: object) -> int:
    return asked_year(value, FIRST_YEAR, LAST_YEAR)


def _count(text: str | None) -> Any:
    """A total as typed, `612` or grouped the page's way (`1.234`, in English `1,234`); None
    when empty; other text as it is, for the service to refuse at its field."""
    text = (text or "").strip()
    if not text:
        return None
    group = re.escape(get_group_symbol(get_locale()))
    grouped = re.fullmatch(rf"[0-9]{{1,3}}({group}[0-9]{{3}})+", text)
    digits = re.sub(group, "", text) if grouped else text
    return int(digits) if re.fullmatch(r"[0-9]+", digits) else text


def half_label(code: str) -> str:
    """`2022H1` as `1e halfjaar 2022` (`first half of 2022`)."""
    year, number = code.split("H", 1)
    if number == "1":
        return _("1e halfjaar %(year)s", year=year)
    return _("2e halfjaar %(year)s", year=year)


def _source_problem(problem: str) -> str:
    if problem == "is required":
        return _("Vul de bron in, bijvoorbeeld WoningNet of de kwartaalrapportage.")
    if problem.startswith("at most"):
        return _("De bron is te lang (hoogstens 300 tekens).")
    return _("De bron bevat een teken dat niet kan worden opgeslagen.")


def _note_problem(problem: str) -> str:
    if problem == "is required":
        return _("Vul de toelichting in: welk besluit van de provincie, en wanneer.")
    if problem.startswith("at most"):
        return _("De toelichting is te lang (hoogstens 1.000 tekens).")
    return _("De toelichting bevat een teken dat niet kan worden opgeslagen.")


def _lettings_messages() -> dict[str, Any]:
    total = _("Vul een heel aantal van 1 tot en met %(max)s in, zonder decimalen.",
              max=format_decimal(MAX_QUARTER_LETTINGS, format="#,##0"))
    messages: dict[str, Any] = {}
    for number in QUARTERS:
        messages[f"q{number}_total"] = total
        messages[f"q{number}_source"] = _source_problem
    return messages


def _prefilled(form: LettingsForm, year: int) -> LettingsForm:
    form.jaar.data = str(year)
    for quarter, entry in year_lettings(db_session(), year=year, actor=current_actor()).items():
        number = quarter[-1]
        form[f"q{number}_total"].data = str(entry.total)  # no grouping when edited
        form[f"q{number}_source"].data = entry.source
    return form


def _half_choices(rows: list[Any]) -> list[Any]:
    return choices([("", _("Kies een halfjaar")),
                    *((row.half, half_label(row.half)) for row in rows)])


def _balance_of(year: int) -> Any:
    """The year's balance as the report gives it now, or None for a year without figures."""
    try:
        return balance(db_session(), year=year, actor=current_actor())
    except (NotFound, ValidationFailed):
        return None


def _page(year: int, lettings: LettingsForm | None = None, rung: RungForm | None = None,
          status: int = 200) -> Any:
    session, actor = db_session(), current_actor()
    if lettings is None:
        lettings = _prefilled(LettingsForm(formdata=None), year)
    if rung is None:
        rung = RungForm(formdata=None)
        rung.half.data = request.args.get("halfjaar", "")
    halves = statushouder_halves(session, actor=actor)  # worked out once for both uses
    rung.half.choices = _half_choices(halves)
    figures = _balance_of(year)
    return render_template(
        "steering/inputs.html", year=year, lettings=lettings, rung_form=rung,
        **_refused_summary(lettings, rung),
        entered=year_lettings(session, year=year, actor=actor),
        halves=halves, balance=figures,
        may_record_rung=actor.role == "admin", half_label=half_label,
        rung_label=rung_label, number_text=_number_text,
        quarters=[(n, f"{year}Q{n}") for n in QUARTERS],
    ), status


def _refused_summary(lettings: LettingsForm, rung: RungForm) -> dict[str, Any]:
    """The refused form and its summary's title: base.html puts the summary first on the
    page (as on the lease and client pages), not halfway down beside the form."""
    if lettings.errors:
        return {"form": lettings,
                "error_title": _("Er is niets opgeslagen. Verbeter de gemarkeerde velden.")}
    if rung.errors:
        return {"form": rung,
                "error_title": _("De trede is niet vastgelegd. Verbeter de gemarkeerde velden.")}
    return {}


def _number_text(value: Any) -> str:
    """A count or percentage the Dutch way: `2.412`, `34,7`."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return format_decimal(value, format="#,##0")
    return format_decimal(value, format="#,##0.0")


@blueprint.get("/stuurcijfers")
@roles_required(*ENTERING)
def index():
    """Show the year's total lettings per quarter and the statushouder half-years' rungs; a
    form refused just now comes back with its input and errors (form_return.py)."""
    year = _year(request.args.get("jaar"))
    name = returned_name()
    if name in ("lettings", "rung") and (kept := take_back(str(name))) is not None:
        data, errors = kept
        if name == "lettings":
            return _page(year, lettings=restore_errors(LettingsForm(formdata=data), errors))
        return _page(year, rung=restore_errors(RungForm(formdata=data), errors))
    return _page(year)


def _refused(year: int, name: str, form: LettingsForm | RungForm):
    """Back to the page of `year` with the refused form's input and errors."""
    back = send_back(form, name, url_for("steering_inputs.index", jaar=year))
    if back is not None:
        return back
    if isinstance(form, LettingsForm):
        return _page(year, lettings=form, status=422)
    return _page(year, rung=form, status=422)


def _changed_entries(form: LettingsForm, year: int) -> dict[str, tuple[Any, str]]:
    """The quarters the form fills in differently from what is stored (an empty row stays
    as it is), as the service takes them: quarter -> (total, source)."""
    stored = year_lettings(db_session(), year=year, actor=current_actor())
    entries: dict[str, tuple[Any, str]] = {}
    for number in QUARTERS:
        quarter = f"{year}Q{number}"
        text = form[f"q{number}_total"].data or ""
        source = (form[f"q{number}_source"].data or "").strip()
        if not text.strip() and not source:
            continue
        total = _count(text)
        known = stored.get(quarter)
        if known is not None and (known.total, known.source) == (total, source):
            continue
        entries[quarter] = (total, source)
    return entries


def _field_of(problem: str) -> str:
    """The form field of a service problem: `2025Q1.total` is at `q1_total`."""
    match = re.fullmatch(r"[0-9]{4}Q([1-4])\.(total|source)", problem)
    return f"q{match.group(1)}_{match.group(2)}" if match else problem


@blueprint.post("/stuurcijfers/verhuringen")
@roles_required(*ENTERING)
def save_lettings():
    """Save the quarters' totals and sources of a year: all the changed ones, or none."""
    form = LettingsForm()
    year = _year(form.jaar.data)
    form.jaar.data = str(year)
    if not form.validate():
        return _refused(year, "lettings", form)
    entries = _changed_entries(form, year)
    if not entries:
        flash(_("Er is niets gewijzigd."), "info")
        return redirect(url_for("steering_inputs.index", jaar=year), code=303)
    try:
        set_total_lettings_of_quarters(db_session(), entries=entries, actor=current_actor())
    except ValidationFailed as error:
        fields = {_field_of(name): problem for name, problem in error.fields.items()}
        show_service_errors(form, ValidationFailed(fields), _lettings_messages())
        return _refused(year, "lettings", form)
    except Conflict as error:
        flash(describe(error), "error")
        return _page(year, lettings=form, status=409)
    flash(_("De verhuringen zijn opgeslagen voor %(quarters)s.",
            quarters=", ".join(quarter_label(q) for q in sorted(entries))), "success")
    return redirect(url_for("steering_inputs.index", jaar=year), code=303)


def _rung_value(text: str | None) -> Any:
    text = (text or "").strip()
    return int(text) if re.fullmatch(r"[0-9]{1,2}", text) else text


@blueprint.post("/stuurcijfers/trede")
@roles_required("admin")
def save_rung():
    """Record the rung the province set after a half-year, with its note."""
    form = RungForm()
    year = _year(request.form.get("jaar"))
    if not form.validate():
        return _refused(year, "rung", form)
    try:
        row = set_statushouder_rung(
            db_session(), half=form.half.data or "", rung=_rung_value(form.rung.data),
            note=form.note.data or "", actor=current_actor())
    except ValidationFailed as error:
        show_service_errors(form, error, {
            "half": _("Kies een halfjaar uit de lijst."),
            "rung": _("Kies een trede van %(low)s tot en met %(high)s.", low=RUNGS.start,
                      high=RUNGS.stop - 1),
            "note": _note_problem,
        })
        return _refused(year, "rung", form)
    except NotFound:
        form.half.errors = [*form.half.errors,
                            _("Voor dit halfjaar is geen taakstelling bekend.")]
        return _refused(year, "rung", form)
    except Conflict as error:
        flash(describe(error), "error")
        return _page(year, rung=form, status=409)
    flash(_("Trede %(rung)s is vastgelegd voor het %(half)s.", rung=row.rung,
            half=half_label(row.half_year)), "success")
    return redirect(url_for("steering_inputs.index", jaar=year) + "#trede", code=303)
