"""A second step before an irreversible action, without JavaScript.

The first POST of a validated form shows a page that says what will happen and carries the
same fields again, with a confirm field, in a new form (CSRF protected); only that second POST
calls the service. A link leads back without doing anything. The JSON API does not ask: its
callers confirm in their own way.
"""

from dataclasses import dataclass

from flask import render_template, request

# The field the confirmation page adds; the value is fixed so a stray field does not count.
CONFIRM_FIELD = "bevestigd"
CONFIRM_VALUE = "ja"
# Fields the confirmation page must not carry over: it writes its own.
_OWN_FIELDS = {"csrf_token", CONFIRM_FIELD}


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says and offers."""

    title: str
    consequences: list[str]
    confirm_label: str
    cancel_url: str


def is_confirmed() -> bool:
    """Tell whether this POST comes from the confirmation page."""
    return request.form.get(CONFIRM_FIELD) == CONFIRM_VALUE


def ask_confirmation(confirmation: Confirmation):
    """Show the confirmation page that posts the same fields to the same address again."""
    carried = [(name, value) for name in request.form if name not in _OWN_FIELDS
               for value in request.form.getlist(name)]
    return render_template(
        "confirm.html", confirmation=confirmation, carried=carried, action=request.path,
        confirm_field=CONFIRM_FIELD, confirm_value=CONFIRM_VALUE,
    ), 200
