"""The supply pages: the release schedule of a peak of earmarked submissions (where the
agency's `submission_peak` notification leads) and the supply filtering report of a batch of
vacancies (a quarter's submissions or an uploaded file)."""

import re
from datetime import date
from typing import Any

from babel.dates import format_date
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from matching.services.errors import ValidationFailed
from matching.services.submission_peaks import release_schedule, set_has_agreements
from matching.services.supply_filter import COLUMNS, file_supply, quarter_supply
from matching.uploads import read_rows
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.i18n import language
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _
from matching.web.page_helpers import today

blueprint = Blueprint("supply", __name__)

_SHOWN_QUARTER = re.compile(r"^[KkQq]\s*([1-4])\s+(\d{4})$")

RULE_LABELS = {
    "size": _l("Grootte past niet (woonoppervlakte)"),
    "rent": _l("Huur te hoog voor de doelgroep"),
    "liveability": _l("Leefbaarheid: corporatie kiest anders voor dit complex"),
    "senior_label": _l("Seniorenlabel (55+)"),
    "rooms": _l("Aantal kamers past niet"),
}

COLUMN_HINTS = {
    "rooms": _l("aantal kamers (heel getal)"),
    "floor_area_m2": _l("woonoppervlakte in m² (heel getal)"),
    "rent": _l("kale huur per maand in euro's"),
    "senior_label": _l("seniorenlabel 55+: ja of nee (mag leeg: nee)"),
    "liveability_excluded": _l("complex uitgesloten om leefbaarheid: ja of nee (mag leeg: nee)"),
}


class VacancyFileForm(FlaskForm):
    year = IntegerField(_l("Jaar van de drempels"), validators=[
        InputRequired(_l("Vul een jaar in.")),
        NumberRange(2000, 2100, _l("Vul een jaar tussen 2000 en 2100 in."))])
    file = FileField(_l("Bestand met vrijgekomen woningen (CSV of XLSX)"),
                     validators=[FileRequired(_l("Kies een bestand."))])


def _file_problems(error: ValidationFailed) -> list[str]:
    """The refusal in Dutch: a wrong row by its number, else what is wrong with the file."""
    problems = []
    for name, problem in error.fields.items():
        if name.startswith("row "):
            problems.append(_("Rij %(row)s: kamers en woonoppervlakte moeten hele getallen boven "
                              "0 zijn, de huur een bedrag, de labels ja of nee.",
                              row=name.removeprefix("row ")))
        elif problem.startswith("missing columns"):
            problems.append(_("Kolommen ontbreken: %(columns)s.",
                              columns=problem.split(": ", 1)[-1]))
        elif problem.startswith("the file holds no"):
            problems.append(_("Het bestand bevat geen woningen."))
        else:
            problems.append(_("Het bestand is niet te lezen: %(problem)s", problem=problem))
    return problems


def _quarter_asked(text: str) -> str:
    """A quarter as the pages write it (K3 2024, Q3 2024) or as the API does (2024Q3)."""
    match = _SHOWN_QUARTER.match(text.strip())
    if match:
        return f"{match.group(2)}Q{match.group(1)}"
    return text.strip()


@blueprint.route("/rapportages/aanbod", methods=["GET", "POST"])
@roles_required("matcher", "analyst", "admin")
def supply_report():
    """How many vacancies each rule takes out, and the eligible supply that remains."""
    form = VacancyFileForm()
    if request.method == "GET":
        form.year.data = today().year
    report: dict[str, Any] | None = None
    problems: list[str] = []
    status = 200
    quarter = _quarter_asked(request.args.get("kwartaal") or "")
    if request.method == "POST":
        if form.validate_on_submit():
            storage = form.file.data
            try:
                rows = read_rows(storage.filename or "", storage.read())
                report = file_supply(db_session(), rows=rows, year=form.year.data or 0,
                                     actor=current_actor())
            except ValidationFailed as error:
                problems, status = _file_problems(error), 422
        else:
            status = 422
    elif quarter:
        try:
            report = quarter_supply(db_session(), quarter=quarter, actor=current_actor())
        except ValidationFailed:
            problems, status = [_("Schrijf een kwartaal als K3 2024.")], 422
    return render_template(
        "supply/report.html", form=form, report=report, problems=problems, quarter=quarter,
        rule_labels=RULE_LABELS, columns=[(name, COLUMN_HINTS[name]) for name in COLUMNS],
    ), status


@blueprint.get("/matcher/woningen/<int:dwelling_id>/vrijgaveschema")
@roles_required("matcher", "corporation")
def release(dwelling_id: int):
    """The project this dwelling belongs to: its open dwellings, the peak, and the suggested
    release per month."""
    schedule = release_schedule(db_session(), dwelling_id=dwelling_id, actor=current_actor())
    for month in schedule["months"]:
        first = date.fromisoformat(month["month"] + "-01")
        month["label"] = format_date(first, "LLLL yyyy", locale=language())
    return render_template("supply/release.html", schedule=schedule)


def _set_agreements(organisation_id: int, has_agreements: bool):
    try:
        set_has_agreements(db_session(), organisation_id=organisation_id,
                           has_agreements=has_agreements, actor=current_actor())
    except ValidationFailed:
        flash(_("Alleen een verhuurder heeft prestatieafspraken."), "error")
    else:
        flash(_("Vastgelegd: deze verhuurder heeft prestatieafspraken en kan woningen "
                "voordragen.") if has_agreements else
              _("Vastgelegd: deze verhuurder heeft geen prestatieafspraken; zijn woningen "
                "kunnen niet meer worden voorgedragen."), "success")
    return redirect(url_for("admin.organisation", organisation_id=organisation_id))


@blueprint.post("/beheer/organisaties/<int:organisation_id>/prestatieafspraken")
@roles_required("admin")
def agreements_on(organisation_id: int):
    """Record that a landlord has performance agreements on priority groups."""
    return _set_agreements(organisation_id, True)


@blueprint.post("/beheer/organisaties/<int:organisation_id>/geen-prestatieafspraken")
@roles_required("admin")
def agreements_off(organisation_id: int):
    """Record that a landlord has no performance agreements: it lets via WoningNet."""
    return _set_agreements(organisation_id, False)
