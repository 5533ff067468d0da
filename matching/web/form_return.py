"""A refused form goes back to its own page (GOV.UK, NL Design System): a form that posts to
a separate action address (`/.../omklappen`, `/.../besluit`) and fails validation does not
show its page at that address. It redirects (303) to the page the form was on, which shows the
error summary, the errors at their fields and the user's input; the address is the page's
own, and reloading it posts nothing again.

The input and the errors wait in the user's session for the next visit of that page only, and
only for the form named; a visit of any other page drops them, so free text typed into a
refused form does not travel on in the (signed, not encrypted) session cookie. Input too long
for the session cookie is not carried: the page is then shown at the action address as
before, with the input kept.
"""

from typing import Any, TypeVar

from flask import redirect, request, session
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from matching.web.confirmation import CONFIRM_FIELD

F = TypeVar("F", bound=FlaskForm)

_KEY = "returned_form"
# The redirect lands on the error summary's title (and says to a client that it was refused).
SUMMARY_ANCHOR = "error-summary-title"
# The session is a signed cookie of at most about 4 kB: more input stays with the request.
MAX_CARRIED = 2000
# Never carried: the token is fresh on the page, and the confirmation is asked again.
_NOT_CARRIED = (CONFIRM_FIELD,)


def _carried() -> list[tuple[str, str]] | None:
    """The posted fields to give back, or None when they are too long for the session."""
    fields = [(name, value) for name in request.form
              if name not in _NOT_CARRIED and not name.endswith("csrf_token")
              for value in request.form.getlist(name)]
    if sum(len(name) + len(value) for name, value in fields) > MAX_CARRIED:
        return None
    return fields


def send_back(form: FlaskForm, name: str, to: str) -> Response | None:
    """Keep `form`'s input and errors for page `to` and redirect there; None when the input is
    too long to keep (the caller then shows the page itself)."""
    fields = _carried()
    if fields is None:
        return None
    errors = {field.name: [str(error) for error in field.errors]
              for field in form if field.errors}
    session[_KEY] = {"path": to.split("?")[0].split("#")[0], "name": name, "fields": fields,
                     "errors": errors}
    return redirect(f"{to}#{SUMMARY_ANCHOR}", code=303)


def forget_elsewhere() -> None:
    """Drop kept input when the user opens another page than the one it waits for (called
    before each request; static files and API calls leave it alone)."""
    kept: Any = session.get(_KEY)
    if kept is None or request.method != "GET" or request.endpoint in (None, "static"):
        return
    if request.path.startswith("/api/"):
        return
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        session.pop(_KEY, None)


def take_back(name: str) -> tuple[MultiDict, dict[str, list[str]]] | None:
    """The input and errors kept for form `name` of this page, once; None when there are none."""
    kept: Any = session.get(_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    if kept.get("name") != name:
        return None
    session.pop(_KEY, None)
    return MultiDict([tuple(pair) for pair in kept.get("fields", [])]), kept.get("errors", {})


def returned_name() -> str | None:
    """The name of the form kept for this page, if any (a page with several forms asks)."""
    kept: Any = session.get(_KEY)
    if isinstance(kept, dict) and kept.get("path") == request.path:
        return str(kept.get("name"))
    return None


def restore_errors(form: F, errors: dict[str, list[str]]) -> F:
    """Put the kept errors back at their fields of a form rebuilt from the kept input."""
    for field in form:
        if field.name in errors:
            field.errors = list(errors[field.name])
    return form


def bring_back(forms: dict[str, Any]) -> Any | None:
    """On a page with several prefixed action forms: put the one refused just now back in
    `forms`, rebuilt with its kept input and errors, and return it (None when none was)."""
    name = returned_name()
    if name not in forms or (kept := take_back(name)) is None:
        return None
    data, errors = kept
    forms[name] = restore_errors(type(forms[name])(formdata=data, prefix=name), errors)
    return forms[name]
