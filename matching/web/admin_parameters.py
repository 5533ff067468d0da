"""Year parameters: the values in force in a year (and the year each comes from), and
setting or removing a year's own value."""

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from wtforms import SelectChoice

from matching.queries.admin import ParameterRow, parameter_overview, parameter_years
from matching.services.administration import (
    FIRST_YEAR,
    LAST_YEAR,
    remove_year_parameter,
    set_year_parameter,
)
from matching.services.errors import Conflict, ValidationFailed
from matching.services.parameter_values import PARAMETER_TYPES
from matching.vocabulary import utcnow
from matching.web import db_session
from matching.web.admin import blueprint, optional_int, show_problems
from matching.web.admin_forms import ParameterForm
from matching.web.auth import current_actor, roles_required
from matching.web.choices import choices
from matching.web.errors import describe
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _

# Each parameter's name on the page, in groups an administrator recognises from the plans.
GROUPS: list[tuple[str, dict[str, str]]] = [
    (_l("Opgave"), {
        "mobw_task": _l("MO/BW-taakstelling (woningen per jaar)"),
        "mobw_regular": _l("Reguliere uitstroom (woningen)"),
        "mobw_catch_up": _l("Inhaalopgave (woningen)"),
        "instroom_share_pct": _l("Aandeel instroomwoningen (%)"),
        "approach_start_month": _l("Eerste maand van de aanpak (1-12)"),
        "persons_per_dwelling": _l("Statushouders: personen per woning"),
        "mobw_total_lettings": _l("Totaal aantal verhuringen (voor de richtlijn)"),
        "priority_lettings_guideline_pct": _l("Richtlijn voorrangsverhuringen (%)"),
        "priority_lettings_tolerance_pct": _l(
            "Afwijking van de richtlijn voordat die wordt gemeld (procentpunten)"),
        "allocation_forecast_low_pct": _l(
            "Verdeelbesluit: prognose jaareinde, ondergrens (% van de plekken)"),
        "allocation_forecast_high_pct": _l(
            "Verdeelbesluit: prognose jaareinde, bovengrens (% van de plekken)"),
    }),
    (_l("Passend toewijzen en woningbezetting"), {
        "aftoppingsgrens_low": _l("Aftoppingsgrens 1 en 2 personen (€)"),
        "aftoppingsgrens_high": _l("Aftoppingsgrens 3 of meer personen (€)"),
        "kwaliteitskortingsgrens": _l("Kwaliteitskortingsgrens (€)"),
        "max_rent_housing_benefit": _l("Huurgrens huurtoeslag (€)"),
        "housing_benefit_income_limit_single": _l("Inkomensgrens huurtoeslag, eenpersoons (€)"),
        "housing_benefit_income_limit_multi": _l("Inkomensgrens huurtoeslag, meerpersoons (€)"),
        "youth_max_net_rent": _l("Maximale netto huur jongeren (€)"),
        "youth_housing_benefit": _l("Huurtoeslag jongeren in een zelfstandige woning (€)"),
        "student_complex_special_share_pct": _l(
            "Aandeel bijzondere doelgroepen per studentencomplex, hoogstens (%)"),
        "persons_per_room_max": _l("Maximaal aantal personen per kamer"),
        "min_floor_area_per_person_m2": _l("Minimale woonoppervlakte per persoon (m²)"),
    }),
    (_l("Voorstellen en rangschikking"), {
        "candidates_per_round": _l("Kandidaten per voorstelronde"),
        "ranking_points_per_waiting_day": _l("Punten per wachtdag"),
        "ranking_ambition_bonus": _l("Punten na de ambitietermijn"),
        "ranking_provider_fairness": _l("Punten voor een zorgaanbieder achter op contingent"),
        "ranking_group_priority": _l("Punten voor de doelgroep die voorgaat"),
    }),
    (_l("Termijnen"), {
        "decision_working_days": _l("Besluit corporatie (werkdagen)"),
        "decision_reminder_working_days": _l("Herinnering besluit na (werkdagen)"),
        "offer_answer_working_days": _l("Antwoord op het aanbod (werkdagen)"),
        "at_risk_working_days": _l("Woning in gevaar na (werkdagen)"),
        "release_working_days": _l("Vrijgeven mogelijk na (werkdagen)"),
        "waiting_ambition_months": _l("Ambitie wachttijd (maanden)"),
        "good_friday_is_holiday": _l("Goede Vrijdag telt als feestdag (1 = ja, 0 = nee)"),
    }),
    (_l("Huurcontracten"), {
        "flip_review_months": _l("Evaluatie omklapcontract na (maanden)"),
        "flip_review_notice_months": _l("Melding evaluatie vooraf (maanden)"),
        "flip_extension_max_months": _l("Langste verlenging omklapcontract (maanden)"),
        "campus_max_years": _l("Langste duur campuscontract (jaren)"),
        "campus_notice_months": _l("Melding einde campuscontract vooraf (maanden)"),
    }),
    (_l("Privacy"), {
        "retention_months": _l("Persoonsgegevens wissen na vertrek (maanden)"),
    }),
    (_l("Aanbod"), {
        "submission_peak_threshold": _l("Piekmelding vanaf (open woningen van één project)"),
        "agency_monthly_capacity": _l("Bemiddelingscapaciteit per maand (woningen)"),
        "supply_max_rooms": _l("Geschikt aanbod: hoogstens kamers"),
        "supply_max_floor_area_m2": _l("Geschikt aanbod: hoogstens woonoppervlakte (m²)"),
    }),
]
LABELS = {name: label for _group, names in GROUPS for name, label in names.items()}


def label_of(name: str) -> str:
    return str(LABELS.get(name, name))


def _integral(value: Decimal | int, whole: bool) -> bool:
    return whole or value == int(value)


def shown(value: Decimal | int, whole: bool) -> str:
    """A value the Dutch way: `1.234`, `30`, `597,30` (amounts keep their cents)."""
    if _integral(value, whole):
        return format_decimal(int(value), format="#,##0")
    return format_decimal(value, format="#,##0.00##")


def editable(value: Decimal | int, whole: bool) -> str:
    """A value as the form shows it for editing: no grouping, a decimal comma."""
    if _integral(value, whole):
        return str(int(value))
    return format_decimal(value, format="0.00##")


def _year() -> int:
    asked = optional_int(request.args.get("jaar"))
    if asked is not None and FIRST_YEAR <= asked <= LAST_YEAR:
        return asked
    return utcnow().year


def _grouped(rows: list[ParameterRow]) -> list[tuple[str, list[ParameterRow]]]:
    by_name = {row.name: row for row in rows}
    groups = [(str(title), [by_name[n] for n in names if n in by_name]) for title, names in GROUPS]
    rest = [row for row in rows if row.name not in LABELS]  # a parameter added later
    if rest:
        groups.append((_("Overig"), rest))
    return groups


def _page(form: ParameterForm, year: int, status: int = 200):
    actor = current_actor()
    rows = parameter_overview(db_session(), actor=actor, year=year)
    years = parameter_years(db_session(), actor=actor)
    return render_template(
        "admin/year_parameters.html", year=year, groups=_grouped(rows), form=form,
        years=years, label_of=label_of, shown=shown,
        beyond_known=bool(years) and year > years[-1],
    ), status


def _names() -> list[SelectChoice]:
    """The parameters to choose from, in their groups; the empty "choose one" is in none."""
    options = choices([("", _("Kies een parameter"))])
    for title, names in GROUPS:
        options += choices([(n, str(label)) for n, label in names.items()
                            if n in PARAMETER_TYPES], group=str(title))
    options += choices([(n, n) for n in PARAMETER_TYPES if n not in LABELS], group=_("Overig"))
    return options


@blueprint.get("/jaarparameters")
@roles_required("admin")
def year_parameters():
    """Show the parameters in force in a year, each with the year it comes from."""
    year = _year()
    form = ParameterForm(formdata=None, names=_names(), data={"year": year})
    chosen = request.args.get("parameter")
    if chosen in PARAMETER_TYPES:
        rows = parameter_overview(db_session(), actor=current_actor(), year=year)
        row = next(r for r in rows if r.name == chosen)
        form.name.data, form.value.data = chosen, editable(row.value, row.whole)
    return _page(form, year)


@blueprint.post("/jaarparameters")
@roles_required("admin")
def set_year_parameter_view():
    """Set a parameter's value from a year on."""
    form = ParameterForm(names=_names())
    year = optional_int(form.year.data)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        flash(_("Kies een jaar tussen %(first)s en %(last)s.", first=FIRST_YEAR,
                last=LAST_YEAR), "error")
        return redirect(url_for("admin.year_parameters"))
    if not form.validate():
        return _page(form, year, 422)
    try:
        row = set_year_parameter(
            db_session(), year=year, name=form.name.data or "", value=form.value.data or "",
            source=form.source.data or "", actor=current_actor(),
        )
    except ValidationFailed as error:
        show_problems(form, error)
        return _page(form, year, 422)
    except Conflict as error:  # a simultaneous change won: the input stays to try again
        flash(describe(error), "error")
        return _page(form, year, 409)
    flash(_("%(label)s is vanaf %(year)s %(value)s.", label=label_of(row.name), year=year,
            value=shown(row.value, PARAMETER_TYPES[row.name])), "success")
    return redirect(url_for("admin.year_parameters", jaar=year))


@blueprint.post("/jaarparameters/<int:year>/<name>/verwijderen")
@roles_required("admin")
def remove_year_parameter_view(year: int, name: str):
    """Remove a year's own value, so the earlier year's value carries on."""
    remove_year_parameter(db_session(), year=year, name=name, actor=current_actor())
    flash(_("De waarde van %(year)s voor %(label)s is verwijderd; de eerdere waarde geldt "
            "weer.", year=year, label=label_of(name)), "success")
    return redirect(url_for("admin.year_parameters", jaar=year))
