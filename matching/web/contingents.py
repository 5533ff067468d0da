"""Contingents per care provider: the overview for the agency and the municipality, edited by
the contingent manager (Beter Wonen's right, which a matcher or administrator may hold), and
a care provider's own row."""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from matching.queries.contingents import (
    contingent_changes,
    contingent_rows,
    sees_every_provider,
    year_has_contingents,
)
from matching.reports.contingent_counts import as_read_by, column_total, suppressed_below
from matching.reports.period import Reader
from matching.services.errors import Conflict, ValidationFailed
from matching.services.planning import edit_contingent, set_default_contingents
from matching.services.provisional_contingents import (
    confirm_contingents,
    contingents_confirmation,
    ensure_year_contingents,
    is_provisional,
)
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.contingent_extras import contingent_extras
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.form_return import restore_errors, returned_name, send_back, take_back
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _
from matching.web.page_helpers import asked_year, today

blueprint = Blueprint("contingents", __name__)

FIRST_YEAR, LAST_YEAR = 2019, 2100

# The name under which a refused edit waits for the contingents page (form_return.py).
EDIT = "contingent"

# Who may read every provider's contingent; care providers only with the manager's right.
READERS = ("matcher", "analyst", "admin", "care_provider")
MANAGERS = ("matcher", "admin", "care_provider")


class ContingentForm(FlaskForm):
    jaar = HiddenField()
    care_provider_id = SelectField(_l("Zorgaanbieder"), coerce=int,
                                   validators=[InputRequired(_l("Kies een zorgaanbieder."))])
    contingent = IntegerField(
        _l("Nieuw contingent (woningen)"),
        validators=[InputRequired(_l("Vul een aantal in.")),
                    NumberRange(min=0, max=10000, message=_l("Vul een aantal van 0 of meer in."))],
    )
    reason = StringField(
        _l("Reden van de wijziging"),
        validators=[DataRequired(_l("Geef een reden voor de wijziging.")), Length(max=500)],
    )


class YearForm(FlaskForm):
    jaar = HiddenField()


def contingent_manager_required(view):
    """Let only users holding the contingent-manager right change contingents (403)."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.contingent_manager:
            abort(403)
        return view(*args, **kwargs)

    return guarded


def _year(value: object) -> int:
    return asked_year(value, FIRST_YEAR, LAST_YEAR)


@blueprint.get("/contingenten")
@roles_required(*READERS)
def index():
    """Show contingent, proposed, housed and remaining per care provider for a year; an edit
    refused just now comes back with its input and errors."""
    if not sees_every_provider(current_actor()):
        return redirect(url_for("contingents.own", jaar=request.args.get("jaar")))
    year = _year(request.args.get("jaar"))
    if returned_name() == EDIT and (kept := take_back(EDIT)) is not None:
        data, errors = kept
        return _render_index(year, restore_errors(ContingentForm(formdata=data), errors))
    return _render_index(year, ContingentForm(formdata=None))


def _render_index(year: int, form: ContingentForm, status: int = 200):
    session, actor = db_session(), current_actor()
    if year == today().year:  # no tick ran yet this year: divide it provisionally now
        ensure_year_contingents(session, year=year)
    # The municipality sees no count of 1 to 4 clients, as in the reports.
    reader = Reader(role=actor.role, organisation_id=actor.organisation_id)
    rows = as_read_by(reader, contingent_rows(session, actor=actor, year=year))
    form.care_provider_id.choices = [
        SelectChoice(str(r.care_provider_id), r.care_provider) for r in rows]
    form.jaar.data = str(year)
    if not form.is_submitted() and request.args.get("aanbieder", "").isdigit():
        form.care_provider_id.data = int(request.args["aanbieder"])
    may_edit = bool(actor.contingent_manager) and actor.role in MANAGERS
    return render_template(
        "contingents/index.html", year=year, rows=rows, form=form, may_edit=may_edit,
        changes=contingent_changes(session, actor=actor, year=year),
        has_contingents=year_has_contingents(session, year), year_form=YearForm(formdata=None),
        provisional=is_provisional(session, year),
        confirmed=contingents_confirmation(session, year),
        totals={k: column_total(rows, k)
                for k in ("contingent", "proposed", "housed", "remaining")},
        suppressed_below=suppressed_below(reader),
        **contingent_extras(year),
    ), status


def _refused(year: int, form: ContingentForm):
    """Back to the contingents of `year` with the refused edit's input and errors."""
    back = send_back(form, EDIT, url_for("contingents.index", jaar=year))
    return back if back is not None else _render_index(year, form, 422)


@blueprint.post("/contingenten/wijzigen")
@roles_required(*MANAGERS)
@contingent_manager_required
def edit():
    """Set one care provider's contingent by hand, with the reason logged."""
    form = ContingentForm()
    year = _year(form.jaar.data)
    form.care_provider_id.choices = [
        SelectChoice(str(r.care_provider_id), r.care_provider)
        for r in contingent_rows(db_session(), actor=current_actor(), year=year)]
    if not form.validate():
        return _refused(year, form)
    try:
        edit_contingent(db_session(), year=year, care_provider_id=form.care_provider_id.data,
                        contingent=form.contingent.data, reason=form.reason.data or "",
                        actor=current_actor())
    except ValidationFailed as error:
        show_service_errors(form, error, {
            "reason": _("Geef een reden voor de wijziging."),
            "contingent": _("Vul een aantal van 0 of meer in."),
        })
        return _refused(year, form)
    except Conflict as error:
        flash(describe(error), "error")
        return _render_index(year, form, 409)
    flash(_("Het contingent is gewijzigd en de wijziging is vastgelegd."), "success")
    return redirect(url_for("contingents.index", jaar=year), code=303)


@blueprint.post("/contingenten/standaard")
@roles_required(*MANAGERS)
@contingent_manager_required
def defaults():
    """Divide the year over the care providers by their waiting clients on 1 January."""
    form = YearForm()
    year = _year(form.jaar.data)
    if not form.validate():
        abort(400)
    try:
        set_default_contingents(db_session(), year=year, actor=current_actor())
    except ValidationFailed:
        # The service divides only a year without contingents: manual edits stay.
        flash(_("Voor %(year)s zijn al contingenten vastgesteld; wijzig ze per zorgaanbieder.",
                year=year), "error")
    except Conflict as error:
        flash(describe(error), "error")
    else:
        flash(_("De contingenten voor %(year)s zijn verdeeld naar de wachtende cliënten op "
                "1 januari.", year=year), "success")
    return redirect(url_for("contingents.index", jaar=year), code=303)


@blueprint.post("/contingenten/bevestigen")
@roles_required(*MANAGERS)
@contingent_manager_required
def confirm():
    """Confirm the year's provisional contingents as they stand."""
    form = YearForm()
    year = _year(form.jaar.data)
    if not form.validate():
        abort(400)
    try:
        confirm_contingents(db_session(), year=year, actor=current_actor())
    except Conflict:
        flash(_("Voor %(year)s zijn er geen voorlopige contingenten om te bevestigen.",
                year=year), "error")
    else:
        flash(_("De contingenten voor %(year)s zijn bevestigd.", year=year), "success")
    return redirect(url_for("contingents.index", jaar=year), code=303)


@blueprint.get("/contingent")
@roles_required("care_provider")
def own():
    """Show the care provider's own contingent for a year."""
    session, actor = db_session(), current_actor()
    year = _year(request.args.get("jaar"))
    if year == today().year:  # no tick ran yet this year: divide it provisionally now
        ensure_year_contingents(session, year=year)
    rows = [r for r in contingent_rows(session, actor=actor, year=year)
            if r.care_provider_id == actor.organisation_id]
    changes = [c for c in contingent_changes(session, actor=actor, year=year)
               if c.care_provider_id == actor.organisation_id]
    return render_template("contingents/own.html", year=year, rows=rows, changes=changes,
                           manager=sees_every_provider(actor),
                           provisional=is_provisional(session, year),
                           **contingent_extras(year, own=True))
