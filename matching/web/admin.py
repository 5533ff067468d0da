"""The administrator's pages: users, organisations, reason codes and year parameters.

The views live in admin_*.py modules that add their routes to this one blueprint; every view
is for the `admin` role only.
"""

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, flash, redirect, request
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException

from matching.services import administration as rules
from matching.services import parameter_values as values
from matching.services.errors import Conflict, ValidationFailed
from matching.web.errors import describe
from matching.web.form_errors import Message, service_error_texts, show_service_errors
from matching.web.i18n import lazy_text as _l

blueprint = Blueprint("admin", __name__, url_prefix="/beheer")

KIND_LABELS = {
    "corporation": _l("corporatie"),
    "agency": _l("matchingbureau"),
    "care_provider": _l("zorgaanbieder"),
    "municipality": _l("gemeente"),
}

# The services' problems (matching.services.administration), in the page's words.
PROBLEMS = {
    rules.REQUIRED: _l("Vul dit veld in."),
    rules.TOO_LONG: _l("Dit is te lang."),
    rules.NAME_TAKEN: _l("Er is al een organisatie met deze naam."),
    rules.UNKNOWN_KIND: _l("Kies een soort uit de lijst."),
    rules.HAS_ACTIVE_USERS: _l(
        "Deze organisatie heeft nog actieve gebruikers. Deactiveer hen eerst."
    ),
    rules.CODE_FORMAT: _l(
        "Gebruik kleine letters, cijfers en liggende streepjes, en begin met een letter."
    ),
    rules.CODE_TAKEN: _l("Deze code bestaat al."),
    rules.UNKNOWN_VERA: _l("Kies een VERA-status uit de lijst."),
    rules.UNKNOWN_PARAMETER: _l("Kies een parameter uit de lijst."),
    values.NOT_A_NUMBER: _l("Vul een getal in, bijvoorbeeld 597,30."),
    values.NOT_WHOLE: _l("Vul een heel getal in."),
    values.NEGATIVE: _l("Een negatief getal kan niet."),
    values.TOO_LARGE: _l("Dit getal is te groot."),
    values.TOO_PRECISE: _l("Gebruik hoogstens vier decimalen."),
    values.ABOVE_100: _l("Een percentage is hoogstens 100."),
    values.BELOW_ONE: _l("Dit moet minstens 1 zijn."),
    values.NOT_A_MONTH: _l("Een maand is 1 tot en met 12."),
    rules.YEAR_RANGE: _l("Kies een jaar tussen 2000 en 2100."),
}


def _by_problem(problem: str) -> str | None:
    return PROBLEMS.get(problem)


def show_problems(
    form: FlaskForm, error: ValidationFailed, overrides: Mapping[str, str] | None = None
) -> None:
    """Put each problem of a refused change at its field, in Dutch; flash the rest."""
    messages: dict[str, Message] = {name: _by_problem for name in error.fields}
    messages.update(overrides or {})
    show_service_errors(form, error, messages)


def optional_int(value: Any) -> int | None:
    """A number from the query string, or None for anything else."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def flash_problem(error: ValidationFailed) -> None:
    """Flash a refused action's problems (an action button has no fields to show them at)."""
    for text in service_error_texts(error, {name: _by_problem for name in error.fields}):
        flash(text, "error")


def page_of(path: str) -> str:
    """`path` when it is a page, else the nearest page above it: an action button's address
    takes POST only (`/beheer/gebruikers/7/deactiveren` is shown at `/beheer/gebruikers/7`)."""
    adapter = current_app.create_url_adapter(request)
    assert adapter is not None  # inside a request
    while path.count("/") > 1:
        try:
            adapter.match(path, method="GET")
        except HTTPException:
            path = path.rsplit("/", 1)[0]
        else:
            return path
    return path


@blueprint.errorhandler(Conflict)
def conflict(error: Conflict):
    """Send the administrator back to the page when a simultaneous change won that its view
    does not catch (a button's action; the form pages keep their input themselves)."""
    flash(describe(error), "error")
    return redirect(page_of(request.path), code=303)


def init_views() -> None:
    # Imported here, after `blueprint` exists, because each module adds routes to it.
    import matching.web.admin_organisations
    import matching.web.admin_parameters
    import matching.web.admin_reason_codes
    import matching.web.admin_users  # noqa: F401


init_views()
