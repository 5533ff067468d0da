"""Putting a service's refusal on the form the user filled in, in the user's language."""

from collections.abc import Mapping

from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from matching.services.errors import ValidationFailed


def show_service_errors(
    form: FlaskForm, error: ValidationFailed, messages: Mapping[str, str]
) -> None:
    """Place each problem of `error` at its field with the Dutch text from `messages`; a
    problem without a field on this form is flashed. The services word their problems in
    English for the API, so the page says them in its own words."""
    for name, problem in error.fields.items():
        text = messages.get(name) or _("Deze waarde klopt niet (%(problem)s).", problem=problem)
        field = form._fields.get(name) if hasattr(form, "_fields") else None
        if field is not None:
            field.errors = [*field.errors, text]
        else:
            flash(text, "error")
