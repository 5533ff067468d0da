"""The forms of the client pages: the referral itself and the actions on a client."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from matching.models import Client, District, TargetGroup
from matching.schemas import NEEDS
from matching.services.hotels import FAMILY, SINGLE, UTRECHT
from matching.web.auth import ActionForm
from matching.web.choices import choices
from matching.web.form_errors import Message
from matching.web.i18n import NEED_LABELS, label
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _

REQUIRED = _l("Dit veld is verplicht.")


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (rendered inside a fieldset with a legend)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ClientForm(FlaskForm):
    reference = StringField(
        _l("Eigen referentie"),
        validators=[
            InputRequired(REQUIRED),
            Length(max=40, message=_l("Hoogstens 40 tekens.")),
            Regexp(r"^[A-Za-z0-9._/-]+$",
                   message=_l("Alleen letters, cijfers en . _ / -, zonder spaties.")),
        ],
    )
    target_group = SelectField(_l("Doelgroep"), validators=[InputRequired(REQUIRED)])
    adults = IntegerField(
        _l("Volwassenen in het huishouden"), default=1,
        validators=[InputRequired(REQUIRED), NumberRange(1, 6, _l("Kies 1 tot en met 6."))],
    )
    children = IntegerField(
        _l("Kinderen in het huishouden"), default=0,
        validators=[InputRequired(REQUIRED), NumberRange(0, 12, _l("Kies 0 tot en met 12."))],
    )
    birth_year = IntegerField(
        _l("Geboortejaar"),
        validators=[InputRequired(REQUIRED),
                    NumberRange(1900, 2030, _l("Vul een jaar tussen 1900 en 2030 in."))],
    )
    annual_income = IntegerField(
        _l("Jaarinkomen van het huishouden (euro)"),
        validators=[InputRequired(REQUIRED),
                    NumberRange(0, 500_000, _l("Vul een bedrag van 0 tot 500.000 in."))],
    )
    needs = CheckboxesField(_l("Woonbehoeften"), choices=[])
    excluded_wijken = SelectMultipleField(_l("Uitgesloten wijken"), choices=[])
    preferred_wijken = SelectMultipleField(_l("Voorkeurswijken"), choices=[])
    flip_lease_ok = BooleanField(_l("Wij willen huurder zijn van een omklapcontract"))
    support_confirmed = BooleanField(_l("Begeleiding na de verhuizing is toegezegd"))
    registered_on = DateField(
        _l("Aangemeld op"), validators=[InputRequired(_l("Vul een geldige datum in."))]
    )
    origin_municipality = SelectField(_l("Gemeente van herkomst"), choices=[], default="")
    hotel_kind = SelectField(_l("Corporatiehotel"), choices=[], default="")
    hotel_stay_since = DateField(_l("In het corporatiehotel sinds"), validators=[Optional()])

    def fill_choices(self, groups: list[TargetGroup], districts: list[District]) -> None:
        """Offer the reference tables' target groups and districts, and the known needs."""
        self.target_group.choices = choices([("", _("Kies een doelgroep"))] + [
            (g.code, label(g)) for g in groups
        ])
        self.needs.choices = choices([(n, str(NEED_LABELS[n])) for n in NEEDS])
        wijken = choices([(d.name, d.name) for d in districts])
        self.excluded_wijken.choices = wijken
        self.preferred_wijken.choices = wijken
        self.origin_municipality.choices = choices(
            [("", _("Onbekend")), (UTRECHT, UTRECHT)]
            + [(d.name, d.name) for d in districts if d.kind == "u16"])
        self.hotel_kind.choices = choices([
            ("", _("Niet in een corporatiehotel")),
            (SINGLE, _("Corporatiehotel voor alleenstaanden")),
            (FAMILY, _("Gezinshotel (ten hoogste 3 personen)")),
        ])

    def service_data(self) -> dict[str, Any]:
        """The plain values the client services take."""
        return {
            "reference": (self.reference.data or "").strip(),
            "target_group": self.target_group.data,
            "adults": self.adults.data,
            "children": self.children.data,
            "birth_year": self.birth_year.data,
            "annual_income": self.annual_income.data,
            "needs": list(self.needs.data or []),
            "excluded_wijken": list(self.excluded_wijken.data or []),
            "preferred_wijken": list(self.preferred_wijken.data or []),
            "flip_lease_ok": bool(self.flip_lease_ok.data),
            "support_confirmed": bool(self.support_confirmed.data),
            "registered_on": self.registered_on.data,
            "origin_municipality": self.origin_municipality.data or None,
            "hotel_kind": self.hotel_kind.data or None,
            "hotel_stay_since": self.hotel_stay_since.data,
        }

    @classmethod
    def for_client(cls, client: Client) -> "ClientForm":
        """A form filled with the client's current details (for editing)."""
        return cls(data={
            "reference": client.reference, "target_group": client.target_group,
            "adults": client.adults, "children": client.children,
            "birth_year": client.birth_year, "annual_income": client.annual_income,
            "needs": client.needs, "excluded_wijken": client.excluded_wijken,
            "preferred_wijken": client.preferred_wijken, "flip_lease_ok": client.flip_lease_ok,
            "support_confirmed": client.support_confirmed,
            "registered_on": client.registered_on,
            "origin_municipality": client.origin_municipality or "",
            "hotel_kind": client.hotel_kind or "", "hotel_stay_since": client.hotel_stay_since,
        })


def service_messages() -> dict[str, Message]:
    """Dutch words for the problems the client services report per field."""
    return {
        "reference": _("Uw organisatie gebruikt deze referentie al voor een andere cliënt."),
        "target_group": _("Kies een doelgroep uit de lijst."),
        "excluded_wijken": _("Kies alleen wijken uit de lijst."),
        "preferred_wijken": _("Kies alleen wijken uit de lijst."),
        "needs": _("Kies alleen woonbehoeften uit de lijst."),
        "registered_on": _("Vul een geldige datum in."),
        "origin_municipality": _("Kies Utrecht of een gemeente van de U16 uit de lijst."),
        "hotel_stay_since": _hotel_stay_message,
        "hotel_kind": _hotel_kind_message,
        "waiting_since": _("Deze datum mag niet in de toekomst liggen."),
        "reason": _("Geef een reden op."),
        "motivation": _("Geef een motivering op."),
        "state": _("Deze cliënt staat op een voorstel, heeft een aanbod of is uit het proces; "
                   "de gegevens kunnen nu niet worden gewijzigd."),
    }


def _hotel_stay_message(problem: str) -> str:
    if problem.startswith("only for"):
        return _("Alleen voor een cliënt in een corporatiehotel (doelgroep Uitstroom "
                 "corporatiehotel).")
    if problem.startswith("required"):
        return _("Vul in sinds wanneer de cliënt in het corporatiehotel woont.")
    return _("Deze datum mag niet in de toekomst liggen.")


def _hotel_kind_message(problem: str) -> str:
    if problem.startswith("only for"):
        return _("Alleen voor een cliënt in een corporatiehotel (doelgroep Uitstroom "
                 "corporatiehotel).")
    if problem.startswith("required"):
        return _("Kies het corporatiehotel: voor alleenstaanden of het gezinshotel.")
    if problem.startswith("the family hotel"):
        return _("Het gezinshotel neemt ten hoogste 3 personen op; dit huishouden is groter.")
    return _("Het corporatiehotel voor alleenstaanden neemt één persoon op; kies het "
             "gezinshotel (ten hoogste 3 personen).")


class HoldForm(FlaskForm):
    reason = StringField(
        _l("Reden (niet verplicht)"),
        validators=[Optional(), Length(max=500, message=_l("Hoogstens 500 tekens."))],
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden van intrekken"),
        validators=[InputRequired(_l("Geef een reden op.")),
                    Length(max=500, message=_l("Hoogstens 500 tekens."))],
    )


class ReinstateForm(FlaskForm):
    motivation = TextAreaField(
        _l("Motivering voor herstel"),
        validators=[InputRequired(_l("Geef een motivering op.")),
                    Length(max=1000, message=_l("Hoogstens 1000 tekens."))],
    )


class ApproveForm(FlaskForm):
    waiting_since = DateField(_l("Wachttijd laten ingaan op (niet verplicht)"),
                              validators=[Optional()])


def action_forms(submitted: str | None = None) -> dict[str, FlaskForm]:
    """The client page's action forms, each with its own prefix so ids never clash; only the
    `submitted` one reads the request."""
    kinds: dict[str, type[FlaskForm]] = {
        "hold": HoldForm, "withdraw": WithdrawForm, "reinstate": ReinstateForm,
        "approve": ApproveForm, "resume": ActionForm,
    }
    return {
        name: kind(prefix=name) if name == submitted else kind(formdata=None, prefix=name)
        for name, kind in kinds.items()
    }
