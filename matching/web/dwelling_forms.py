"""The forms of the corporation's pages: a dwelling, its actions, an upload, a decision.

Bounds and patterns of the dwelling form come from the input schema (matching.schemas), so
the page states the same limits as the service checks, in Dutch, without a second copy.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from annotated_types import Ge, Gt, Le, MaxLen, MinLen
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import TextInput

from matching.schemas import DwellingInput
from matching.web.choices import choices
from matching.web.i18n import DESIGNATION_LABELS, LEASE_TYPE_LABELS
from matching.web.i18n import lazy_text as _l

REQUIRED = _l("Dit veld is verplicht.")

# The schema's patterns, said the way a person understands them.
PATTERN_MESSAGES = {"postcode": _l("Vul een postcode in zoals 3531 AB.")}


def _schema(name: str) -> list[Any]:
    """WTForms validators with Dutch messages for the schema's bounds on field `name`."""
    info = DwellingInput.model_fields[name]
    low = high = None
    shortest = longest = None
    validators: list[Any] = [InputRequired(REQUIRED) if info.is_required() else Optional()]
    for rule in info.metadata:
        if isinstance(rule, Ge):
            low = rule.ge
        elif isinstance(rule, Gt):
            # Only the rent has an exclusive bound (more than 0): the smallest amount is a cent.
            low = Decimal(str(rule.gt)) + Decimal("0.01")
        elif isinstance(rule, Le):
            high = rule.le
        elif isinstance(rule, MinLen):
            shortest = rule.min_length
        elif isinstance(rule, MaxLen):
            longest = rule.max_length
        elif getattr(rule, "pattern", None) and name in PATTERN_MESSAGES:
            validators.append(Regexp(rule.pattern, message=PATTERN_MESSAGES[name]))
    if low is not None or high is not None:
        shown = str(low).replace(".", ",")  # 0,01 as a Dutch amount
        message = _l("Kies een waarde van %(low)s tot en met %(high)s.", low=shown, high=high)
        validators.append(NumberRange(min=low, max=high, message=message))
    if shortest is not None or longest is not None:
        message = _l("Gebruik %(low)s tot %(high)s tekens.", low=shortest or 0, high=longest)
        validators.append(Length(min=shortest or -1, max=longest or -1, message=message))
    return validators


class DutchDecimalField(DecimalField):
    """An amount typed the Dutch way (560,50) or the English way (560.50).

    A text input, not type=number: a number input refuses the decimal comma in some browsers.
    """

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        return f"{self.data:.2f}".replace(".", ",")

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        text = str(valuelist[0]).replace("€", "").replace(" ", "")
        if "," in text and "." in text:
            text = text.replace(".", "")
        try:
            self.data = Decimal(text.replace(",", "."))
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Vul een bedrag in, bijvoorbeeld 560,00.")) from None


def _upper(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


class DwellingForm(FlaskForm):
    address = StringField(_l("Adres"), validators=_schema("address"))
    postcode = StringField(_l("Postcode"), filters=[_upper],
        validators=[*_schema("postcode"),
                    Regexp(r"^[1-9][0-9]{3} ?[A-Z]{2}$",
                           message=_l("Vul een postcode in zoals 3531 AB."))],
    )
    wijk = SelectField(_l("Wijk of U16-gemeente"), validators=_schema("wijk"))
    complex_code = StringField(_l("Complexcode (optioneel)"), validators=_schema("complex_code"))
    rooms = IntegerField(_l("Aantal kamers"), validators=_schema("rooms"))
    floor_area_m2 = IntegerField(_l("Woonoppervlak in m²"), validators=_schema("floor_area_m2"))
    rent = DutchDecimalField(_l("Kale huur per maand in euro"), places=2,
                             validators=_schema("rent"), render_kw={"inputmode": "decimal"})
    floor = IntegerField(_l("Verdieping"), default=0, validators=_schema("floor"))
    has_lift = BooleanField(_l("Er is een lift"))
    accessible = BooleanField(_l("Toegankelijk voor een rolstoel"))
    senior_label = BooleanField(_l("Seniorenlabel (55+)"))
    self_contained = BooleanField(_l("Zelfstandige woning"), default=True)
    student_complex = StringField(
        _l("Studentencomplex (SSH)"),
        validators=[*_schema("student_complex"),
                    Regexp(r"^\s*([A-Za-z0-9][A-Za-z0-9 ._/-]*)?\s*$",
                           message=_l("Gebruik letters, cijfers, spaties en . _ / -."))],
    )
    designation = SelectField(
        _l("Bestemming"), default="uitstroom",
        choices=choices(DESIGNATION_LABELS),
    )
    lease_type = SelectField(
        _l("Soort huurcontract"), default="direct", choices=choices(LEASE_TYPE_LABELS)
    )
    available_from = DateField(_l("Beschikbaar vanaf"), validators=_schema("available_from"))
    earmarked_care_provider_ids = SelectMultipleField(
        _l("Gereserveerd voor zorgaanbieders (optioneel)"), coerce=int, validators=[Optional()]
    )

    def service_data(self) -> dict[str, Any]:
        """The plain values the dwelling services take."""
        data = {}
        for name, info in DwellingInput.model_fields.items():
            value = self._fields[name].data if name in self._fields else None
            if value is not None or info.is_required():
                data[name] = value  # an empty optional field takes the schema's default
        data["complex_code"] = (data.get("complex_code") or "").strip() or None
        data["student_complex"] = (data.get("student_complex") or "").strip() or None
        data["earmarked_care_provider_ids"] = list(data.get("earmarked_care_provider_ids") or [])
        return data


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden van intrekken"),
        validators=[InputRequired(REQUIRED), Length(max=500, message=_l("Hoogstens 500 tekens."))],
    )


# The review and end dates are counted from the lease start (years later), so a start near
# the calendar's end (9999) would not give a date at all; no lease starts outside this century.
LEASE_START_FIRST, LEASE_START_LAST = date(2000, 1, 1), date(2099, 12, 31)


def _lease_start_in_range(form: FlaskForm, field: DateField) -> None:
    if field.data is not None and not LEASE_START_FIRST <= field.data <= LEASE_START_LAST:
        raise ValidationError(_l("Kies een datum tussen 2000 en 2099."))


class LetForm(FlaskForm):
    lease_start = DateField(_l("Ingangsdatum huurcontract"),
                            validators=[InputRequired(REQUIRED), _lease_start_in_range])
    lease_type = SelectField(_l("Soort huurcontract"), choices=choices(LEASE_TYPE_LABELS))


class RejectForm(FlaskForm):
    """Reject one candidate; built with the prefix `k<client id>-` so each has its own ids."""

    client_id = HiddenField()
    reason_code = SelectField(_l("Reden van afwijzen"), validators=[InputRequired(REQUIRED)])
    motivation = TextAreaField(
        _l("Toelichting"),
        validators=[Optional(), Length(max=2000, message=_l("Hoogstens 2000 tekens."))],
    )
