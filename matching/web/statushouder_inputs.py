"""The agency's steering inputs of a statushouder half-year on a page: the extra (voluntary)
target, the persons administratively housed (linked to a dwelling, not yet counted by COA)
and up to three acceleration plans. Saving replaces the half-year's entry and its plans
(services/statushouder_steering.py); the year report shows them beside the ladder."""

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_wtf import FlaskForm
from sqlmodel import col, select
from wtforms import StringField
from wtforms.validators import Length

from matching.models import StatushouderAcceleration, StatushouderSteering, StatushouderTask
from matching.quarters import parse_half
from matching.services.errors import Conflict, NotFound, ValidationFailed
from matching.services.statushouder_steering import (
    MAX_PERSONS,
    MAX_WEEKS,
    set_statushouder_inputs,
)
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _
from matching.web.steering_inputs import ENTERING, _count, _source_problem, half_label

blueprint = Blueprint("statushouder_inputs", __name__)

PLANS = range(1, 4)
TOO_LONG = _l("Dit is te lang.")


class InputsForm(FlaskForm):
    extra_target = StringField(_l("Extra (vrijwillige) opgave in personen"),
                               validators=[Length(max=12, message=TOO_LONG)])
    administratively_housed = StringField(
        _l("Administratief gehuisvest: gekoppeld aan een woning, nog niet door het COA geteld"),
        validators=[Length(max=12, message=TOO_LONG)])
    source = StringField(_l("Bron"), validators=[
        Length(max=300, message=_l("De bron is te lang (hoogstens 300 tekens)."))])


for _number in PLANS:
    setattr(InputsForm, f"plan{_number}_name", StringField(
        _l("Naam van versnellingsplan %(number)s", number=_number),
        validators=[Length(max=200, message=TOO_LONG)]))
    setattr(InputsForm, f"plan{_number}_persons", StringField(
        _l("Personen in plan %(number)s", number=_number),
        validators=[Length(max=12, message=TOO_LONG)]))
    setattr(InputsForm, f"plan{_number}_weeks", StringField(
        _l("Weken van plan %(number)s", number=_number),
        validators=[Length(max=4, message=TOO_LONG)]))
    setattr(InputsForm, f"plan{_number}_starts_on", StringField(
        _l("Begindatum van plan %(number)s", number=_number),
        validators=[Length(max=10, message=TOO_LONG)], render_kw={"type": "date"}))


def _half(code: str) -> str:
    try:
        half = str(parse_half(code))
    except ValueError:
        abort(404)
    if db_session().get(StatushouderTask, half) is None:
        abort(404)
    return half


def _prefilled(half: str) -> InputsForm:
    form = InputsForm(formdata=None)
    session = db_session()
    row = session.get(StatushouderSteering, half)
    if row is not None:
        form.extra_target.data = "" if row.extra_target is None else str(row.extra_target)
        form.administratively_housed.data = ("" if row.administratively_housed is None
                                             else str(row.administratively_housed))
        form.source.data = row.source
    plans = session.exec(select(StatushouderAcceleration).where(
        StatushouderAcceleration.half_year == half).order_by(
        col(StatushouderAcceleration.starts_on), col(StatushouderAcceleration.name))).all()
    for number, plan in zip(PLANS, plans, strict=False):
        form[f"plan{number}_name"].data = plan.name
        form[f"plan{number}_persons"].data = str(plan.persons)
        form[f"plan{number}_weeks"].data = str(plan.weeks)
        form[f"plan{number}_starts_on"].data = plan.starts_on.isoformat()
    return form


def _page(half: str, form: InputsForm, status: int = 200) -> Any:
    return render_template("steering/statushouder_inputs.html", half=half,
                           half_name=half_label(half), form=form, plans=PLANS), status


def _plans(form: InputsForm) -> list[dict[str, Any]]:
    """The filled-in plan rows (a row left wholly empty is no plan)."""
    plans = []
    for number in PLANS:
        texts = {part: (form[f"plan{number}_{part}"].data or "").strip()
                 for part in ("name", "persons", "weeks", "starts_on")}
        if not any(texts.values()):
            continue
        plans.append({"name": texts["name"], "persons": _count(texts["persons"]),
                      "weeks": _count(texts["weeks"]), "starts_on": texts["starts_on"],
                      "row": number})
    return plans


def _messages() -> dict[str, Any]:
    most = format_decimal(MAX_PERSONS, format="#,##0")
    count = _("Vul een heel aantal personen van 0 tot en met %(max)s in, of laat het leeg.",
              max=most)
    messages: dict[str, Any] = {"extra_target": count, "administratively_housed": count,
                                "source": _source_problem}
    for number in PLANS:
        messages[f"plan{number}_name"] = _(
            "Vul de naam van het plan in (hoogstens 200 tekens); elk plan één keer.")
        messages[f"plan{number}_persons"] = _(
            "Vul een heel aantal personen van 1 tot en met %(max)s in.", max=most)
        messages[f"plan{number}_weeks"] = _(
            "Vul een heel aantal weken van 1 tot en met %(max)s in.", max=MAX_WEEKS)
        messages[f"plan{number}_starts_on"] = _("Vul een datum in, zoals 2022-08-01.")
    return messages


def _field_of(problem: str, plans: list[dict[str, Any]]) -> str:
    """The form field of a service problem: `accelerations.0.weeks` is at its row's field."""
    match = re.fullmatch(r"accelerations\.([0-9]+)\.(name|persons|weeks|starts_on)", problem)
    if match and int(match.group(1)) < len(plans):
        return f"plan{plans[int(match.group(1))]['row']}_{match.group(2)}"
    return problem


@blueprint.get("/stuurcijfers/statushouders/<half>")
@roles_required(*ENTERING)
def edit(half: str):
    """Show the half-year's steering inputs as entered, to change them."""
    code = _half(half)
    return _page(code, _prefilled(code))


@blueprint.post("/stuurcijfers/statushouders/<half>")
@roles_required(*ENTERING)
def save(half: str):
    """Save the half-year's inputs and plans: all of them, or nothing."""
    code = _half(half)
    form = InputsForm()
    if not form.validate():
        return _page(code, form, 422)
    plans = _plans(form)
    try:
        set_statushouder_inputs(
            db_session(), half=code, extra_target=_count(form.extra_target.data),
            administratively_housed=_count(form.administratively_housed.data),
            accelerations=[{k: v for k, v in plan.items() if k != "row"} for plan in plans],
            source=form.source.data or "", actor=current_actor())
    except ValidationFailed as error:
        fields = {_field_of(name, plans): problem for name, problem in error.fields.items()}
        show_service_errors(form, ValidationFailed(fields), _messages())
        return _page(code, form, 422)
    except (Conflict, NotFound) as error:
        flash(describe(error), "error")
        return _page(code, form, 409)
    flash(_("De sturingsgegevens zijn opgeslagen voor het %(half)s.", half=half_label(code)),
          "success")
    return redirect(url_for("statushouder_inputs.edit", half=code), code=303)

