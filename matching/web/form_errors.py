"""Putting a service's refusal on the form the user filled in, in the user's language.

The services word their problems in English for the API (`ValidationFailed.fields`: field
name -> problem). Each area gives the Dutch per field, as a fixed text or as a function of
the English problem that returns None when it does not know it; an unknown problem gets a
Dutch sentence with the English detail in parentheses, never the bare English.
"""

from collections.abc import Callable, Mapping

from flask import flash
from flask_wtf import FlaskForm

from matching.services.errors import ValidationFailed
from matching.web.i18n import text as _

Message = str | Callable[[str], str | None]


def service_problem(name: str, problem: str, messages: Mapping[str, Message],
                    *, at_field: bool = True) -> str:
    """The Dutch words for one problem of a refusal; `at_field` says whether it is shown at
    its field ('this value') or on its own (a flashed message)."""
    message = messages.get(name)
    text = message(problem) if callable(message) else message
    if text:
        return str(text)
    if at_field:
        return _("Deze waarde klopt niet (%(problem)s).", problem=problem)
    return _("Dit kan zo niet worden opgeslagen (%(problem)s).", problem=problem)


def service_error_texts(error: ValidationFailed, messages: Mapping[str, Message]) -> list[str]:
    """Every problem of `error` in Dutch, for a page that flashes them (no form to show)."""
    return [service_problem(name, problem, messages, at_field=False)
            for name, problem in error.fields.items()]


def show_service_errors(
    form: FlaskForm, error: ValidationFailed, messages: Mapping[str, Message]
) -> None:
    """Place each problem of `error` at its field of `form` in Dutch (see `messages`); a
    problem without a field on this form is flashed."""
    for name, problem in error.fields.items():
        field = form._fields.get(name) if hasattr(form, "_fields") else None
        if field is not None:
            field.errors = [*field.errors, service_problem(name, problem, messages)]
        else:
            flash(service_problem(name, problem, messages, at_field=False), "error")
