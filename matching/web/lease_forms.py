"""The forms of the lease pages: the list's filters and the actions on a lease."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, Form, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from matching.vocabulary import LeaseState, LeaseType
from matching.web.choices import choices
from matching.web.i18n import LEASE_TYPE_LABELS, STATE_LABELS, short_date
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _

DATE_REQUIRED = _l("Vul een geldige datum in.")
REASON_REQUIRED = _l("Geef een reden op.")


class LeaseFilter(Form):
    """The list's filters; a GET form, so it carries no CSRF token."""

    q = StringField(_l("Adres of referentie van de cliënt"))
    lease_type = SelectField(_l("Soort contract"), choices=[])
    state = SelectField(_l("Status"), choices=[])

    def fill_choices(self, *, sees_clients: bool = True) -> None:
        if not sees_clients:  # a landlord searches addresses only (queries.leases.lease_search)
            self.q.label.text = _("Adres")
        self.lease_type.choices = choices([("", _("Alle"))] + [
            (t.value, str(LEASE_TYPE_LABELS[t.value])) for t in LeaseType
        ])
        self.state.choices = choices([("", _("Alle"))] + [
            (s.value, str(STATE_LABELS[s.value])) for s in LeaseState
        ])

    def chosen(self, field: SelectField) -> str | None:
        value = field.data or None
        return value if value in {str(c.value) for c in field.choices or []} else None


class ExtendForm(FlaskForm):
    review_on = DateField(_l("Nieuwe evaluatiedatum"), validators=[InputRequired(DATE_REQUIRED)])
    reason = TextAreaField(
        _l("Waarom is de huurder nog niet klaar voor de omklap?"),
        validators=[InputRequired(REASON_REQUIRED),
                    Length(max=500, message=_l("Hoogstens 500 tekens."))],
    )


class TransferForm(FlaskForm):
    on = DateField(_l("Omklap per"), validators=[InputRequired(DATE_REQUIRED)])


class EndForm(FlaskForm):
    on = DateField(_l("Einddatum"), validators=[InputRequired(DATE_REQUIRED)])
    reason = TextAreaField(
        _l("Reden van beëindigen"),
        validators=[InputRequired(REASON_REQUIRED),
                    Length(max=500, message=_l("Hoogstens 500 tekens."))],
    )


class TransferRequestForm(FlaskForm):
    wished_on = DateField(_l("Gewenste omklapdatum"), validators=[InputRequired(DATE_REQUIRED)])
    note = TextAreaField(
        _l("Toelichting voor de verhuurder (niet verplicht)"),
        validators=[Optional(), Length(max=1000, message=_l("Hoogstens 1000 tekens."))],
    )


_KINDS: dict[str, type[FlaskForm]] = {
    "extend": ExtendForm, "transfer": TransferForm, "end": EndForm,
    "request": TransferRequestForm,
}


def action_forms(submitted: str | None = None) -> dict[str, FlaskForm]:
    """The lease page's action forms, each with its own prefix so ids never clash; only the
    `submitted` one reads the request."""
    return {
        name: kind(prefix=name) if name == submitted else kind(formdata=None, prefix=name)
        for name, kind in _KINDS.items()
    }


def service_messages(start: date, current_review: date, limit: date) -> dict[str, str]:
    """Dutch words for the problems the lease services report per field."""
    return {
        "review_on": _("Kies een datum na %(current)s en uiterlijk %(limit)s.",
                       current=short_date(current_review), limit=short_date(limit)),
        "reason": str(REASON_REQUIRED),
        "on": _("De datum mag niet voor de ingangsdatum (%(start)s) liggen.",
                start=short_date(start)),
        "wished_on": _("Kies een datum vanaf vandaag, en niet voor de ingangsdatum (%(start)s).",
                       start=short_date(start)),
        "note": _("Hoogstens 1000 tekens."),
        "lease": _("Een omklap aanvragen kan nu niet: er loopt al een aanvraag, of dit is geen "
                   "lopend omklapcontract."),
    }
