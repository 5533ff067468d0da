"""The form of the notification preferences: per kind how e-mail comes, and its language."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice

from matching.notifications.kinds import label
from matching.notifications.notify import DIGEST, IMMEDIATE, NO_MAIL
from matching.queries.notifications import PreferenceRow
from matching.web.form_errors import Message
from matching.web.i18n import language
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _

DELIVERY_CHOICES = [
    SelectChoice(IMMEDIATE, _l("Direct")),
    SelectChoice(DIGEST, _l("Dagelijks overzicht (08:00)")),
    SelectChoice(NO_MAIL, _l("Geen e-mail")),
]

# Each language in its own words, as language switches say them.
LANGUAGE_CHOICES = [SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")]


class PreferencesForm(FlaskForm):
    """Filled with one radio group per kind by `preferences_form`."""

    language = RadioField(_l("Taal van de e-mail"), choices=LANGUAGE_CHOICES,
                          validate_choice=False)


def preferences_form(rows: list[PreferenceRow], mail_language: str) -> PreferencesForm:
    """The form with a radio group per kind the user's role receives, labelled in the page's
    language and set to the current choices (a POST reads the request instead). A value that
    is not a choice reaches the service, which refuses it at its field."""

    class Form(PreferencesForm):
        pass

    for row in rows:
        setattr(Form, row.kind.code, RadioField(
            label(row.kind.code, language()), choices=DELIVERY_CHOICES, validate_choice=False))
    defaults = {row.kind.code: row.delivery for row in rows}
    return Form(data={**defaults, "language": mail_language})


def delivery_fields(form: PreferencesForm, rows: list[PreferenceRow]) -> list[RadioField]:
    """The form's radio groups of the kinds, in the order of `rows`."""
    return [form[row.kind.code] for row in rows]


def service_messages(rows: list[PreferenceRow]) -> dict[str, Message]:
    """The Dutch words for what `set_mail_preferences` refuses, per field."""
    choose = _("Kies direct, een dagelijks overzicht of geen e-mail.")
    messages: dict[str, Message] = {row.kind.code: choose for row in rows}
    messages["language"] = _("Kies Nederlands of English.")
    return messages
