"""The administrator's forms: their shape only; the services decide what is allowed."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from matching.web.choices import choices
from matching.web.i18n import ROLE_LABELS
from matching.web.i18n import lazy_text as _l

REQUIRED = _l("Vul dit veld in.")
CHOOSE = _l("Maak een keuze.")

VERA_CHOICES = choices([
    ("", _l("geen (eigen code)")),
    ("geweigerd", _l("geweigerd (door de kandidaat)")),
    ("ingetrokken", _l("ingetrokken (door de verhuurder)")),
])
REASON_KIND_LABELS = {
    "landlord": _l("verhuurder"),
    "candidate": _l("kandidaat"),
}


def optional_id(value: object) -> int | None:
    """An id from a select whose first option is an empty "choose one"."""
    if value in ("", None):
        return None
    return int(value)  # type: ignore[call-overload]


class UserForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"), validators=[DataRequired(REQUIRED), Length(max=254)]
    )
    # Choices are the active organisations, grouped by kind (set by the view).
    organisation = SelectField(
        _l("Organisatie"), coerce=optional_id, validators=[DataRequired(CHOOSE)]
    )
    role = SelectField(
        _l("Rol"), choices=choices(ROLE_LABELS), validators=[DataRequired(CHOOSE)]
    )
    contingent_manager = BooleanField(_l("Contingentbeheerder (mag contingenten verdelen)"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=120)])
    kind = SelectField(_l("Soort"), validators=[DataRequired(CHOOSE)])

    def __init__(self, *args, kinds=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(kinds)


class RenameForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=120)])


class ReasonLabelsForm(FlaskForm):
    label_nl = StringField(
        _l("Omschrijving (Nederlands)"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    label_en = StringField(
        _l("Omschrijving (Engels)"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    needs_motivation = BooleanField(_l("Toelichting verplicht"))
    vera_status = SelectField(_l("VERA-status"), choices=VERA_CHOICES, default="")


class ReasonCodeForm(ReasonLabelsForm):
    code = StringField(_l("Code"), validators=[DataRequired(REQUIRED), Length(max=60)])
    kind = SelectField(
        _l("Soort"), choices=choices(REASON_KIND_LABELS), validators=[DataRequired(CHOOSE)]
    )


class ParameterForm(FlaskForm):
    year = HiddenField()
    name = SelectField(_l("Parameter"), validators=[DataRequired(CHOOSE)])
    value = StringField(_l("Waarde"), validators=[DataRequired(REQUIRED), Length(max=40)])
    source = StringField(
        _l("Bron of toelichting (optioneel)"), validators=[Optional(), Length(max=300)]
    )

    def __init__(self, *args, names=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name.choices = list(names)
