"""Forms of the matcher's pages, and the Dutch wording of the services' field errors."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from matching.engine.suggest import RULE_TEXT
from matching.web.form_errors import Message
from matching.web.i18n import language
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _


class QueueFilterForm(FlaskForm):
    """Filters of the queue, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    corporatie = SelectField(_l("Corporatie"), coerce=str, validators=[Optional()])
    wijk = SelectField(_l("Wijk of gemeente"), coerce=str, validators=[Optional()])
    sorteer = SelectField(
        _l("Volgorde"),
        choices=[SelectChoice("oudste", _l("Langst voorgedragen eerst")),
                 SelectChoice("nieuwste", _l("Laatst voorgedragen eerst")),
                 SelectChoice("huur", _l("Laagste huur eerst")),
                 SelectChoice("kamers", _l("Meeste kamers eerst")),
                 SelectChoice("wijk", _l("Op wijk"))],
        validators=[Optional()],
    )


_ID_LIST = re.compile(r"^[\s,;#0-9]*$")


def parse_ids(text: str | None) -> list[int]:
    """Read client numbers typed as '12, 15 #20' into a list of ints."""
    return [int(part) for part in re.findall(r"\d+", text or "")]


class ProposeForm(FlaskForm):
    client_ids = SelectMultipleField(_l("Cliënten"), coerce=int, validate_choice=False)
    other_ids = StringField(
        _l("Andere cliënten (nummers, gescheiden door komma's)"),
        validators=[Optional(), Length(max=200)],
    )
    motivation = TextAreaField(
        _l("Motivatie"), validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )

    def validate_other_ids(self, field: StringField) -> None:
        if not _ID_LIST.match(field.data or ""):
            raise ValidationError(_("Vul cliëntnummers in, gescheiden door komma's."))

    def chosen_ids(self) -> list[int]:
        """The checked clients followed by the typed ones, in that order."""
        return list(self.client_ids.data or []) + parse_ids(self.other_ids.data)


class DryRunForm(FlaskForm):
    """'Why is client X not among them?': a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    client = IntegerField(
        _l("Cliëntnummer"),
        validators=[InputRequired(_l("Vul een cliëntnummer in.")),
                    NumberRange(min=1, message=_l("Vul een cliëntnummer in."))],
    )


class ApproveForm(FlaskForm):
    # The button says which start of the wait: empty is 'today', a date is the referral's.
    waiting_since = DateField(_l("Wachttijd vanaf"), validators=[Optional()])


class OfferAnswerForm(FlaskForm):
    answer = RadioField(
        _l("Antwoord van de cliënt"),
        choices=[SelectChoice("accepted", _l("Geaccepteerd")),
                 SelectChoice("declined", _l("Afgeslagen"))],
        validate_choice=False,
    )
    reason_code = SelectField(_l("Reden van afslaan"), coerce=str, validators=[Optional()])
    valid = RadioField(
        _l("Is de reden geldig?"),
        choices=[
            SelectChoice("yes", _l("Ja: de cliënt blijft wachtend met behoud van wachttijd")),
            SelectChoice("no", _l("Nee: het aanbod is geweigerd en de voorrang vervalt")),
        ],
        validate_choice=False,
    )
    motivation = TextAreaField(
        _l("Toelichting"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.answer.data not in ("accepted", "declined"):
            self.answer.errors = [*self.answer.errors, _("Kies het antwoord van de cliënt.")]
            ok = False
        if self.answer.data == "declined":
            if not self.reason_code.data:
                self.reason_code.errors = [*self.reason_code.errors,
                                           _("Kies de reden waarom de cliënt afslaat.")]
                ok = False
            if self.valid.data not in ("yes", "no"):
                self.valid.errors = [*self.valid.errors, _("Geef aan of de reden geldig is.")]
                ok = False
        return ok


# --- the services' field errors, in Dutch (shown through form_errors.py) ----------------------

_RULE_BY_ENGLISH = {english: dutch for dutch, english in RULE_TEXT.values()}


def _client_ids_problem(problem: str) -> str | None:
    if match := re.match(r"client (\d+) is not eligible: (.*)", problem):
        why = match.group(2)
        if language() == "nl":
            why = _RULE_BY_ENGLISH.get(why, why)
        return _("Cliënt %(id)s is niet geschikt: %(why)s.", id=match.group(1), why=why)
    if match := re.match(r"client (\d+) does not exist", problem):
        return _("Cliënt %(id)s bestaat niet.", id=match.group(1))
    if match := re.match(r"propose at most (\d+) clients", problem):
        return _("Stel ten hoogste %(n)s cliënten voor.", n=match.group(1))
    if problem.startswith("propose at least"):
        return _("Kies ten minste één cliënt.")
    if "twice" in problem:
        return _("Een cliënt staat er twee keer in.")
    return None  # unknown: form_errors says so in Dutch, with the English in parentheses


def _motivation_problem(problem: str) -> str:
    if "top suggestions" in problem:
        return _("Geef een motivatie: u stelt anderen voor dan de bovenste suggesties.")
    return _("Geef een toelichting bij deze reden.")


SERVICE_MESSAGES: dict[str, Message] = {
    "client_ids": _client_ids_problem,
    "motivation": _motivation_problem,
    "reason_code": lambda _problem: _("Kies een geldige reden."),
    "valid": lambda _problem: _("Geef aan of de reden geldig is."),
    "answer": lambda _problem: _("Kies het antwoord van de cliënt."),
    "waiting_since": lambda _problem: _("De startdatum mag niet in de toekomst liggen."),
    "client_id": lambda problem: _client_ids_problem(problem.replace("client_id", "client")),
}
