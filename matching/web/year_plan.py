"""The year's planning: the MO/BW task and its quarter quotas, and in a year that starts the
approach after January (1 August 2019) the pro-rated task beside the full-year one, flagged as
a policy choice that an administrator confirms (services/approach.py)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField

from matching.services.approach import approach_plan, confirm_approach_start
from matching.services.errors import Conflict
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.i18n import text as _
from matching.web.page_helpers import asked_year

blueprint = Blueprint("year_plan", __name__)

READERS = ("matcher", "analyst", "admin", "corporation")
FIRST_YEAR, LAST_YEAR = 2019, 2100


class ConfirmForm(FlaskForm):
    jaar = HiddenField()


def _year(value: object) -> int:
    return asked_year(value, FIRST_YEAR, LAST_YEAR)


@blueprint.get("/planning")
@roles_required(*READERS)
def index():
    """Show the year's task in full and, from the approach's start, pro-rated."""
    year = _year(request.args.get("jaar"))
    form = ConfirmForm(formdata=None)
    form.jaar.data = str(year)
    return render_template("planning/index.html", year=year,
                           plan=approach_plan(db_session(), year), form=form,
                           may_confirm=current_actor().role == "admin")


@blueprint.post("/planning/aanpak/bevestigen")
@roles_required("admin")
def confirm():
    """Confirm, as administrator, that the year's quotas follow the pro-rated task."""
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    year = _year(form.jaar.data)
    try:
        confirm_approach_start(db_session(), year=year, actor=current_actor())
    except Conflict:
        flash(_("Voor %(year)s is er geen naar rato berekende taak (meer) te bevestigen.",
                year=year), "error")
    else:
        flash(_("De naar rato berekende taak voor %(year)s is bevestigd: de quota volgen haar "
                "nu.", year=year), "success")
    return redirect(url_for("year_plan.index", jaar=year), code=303)
