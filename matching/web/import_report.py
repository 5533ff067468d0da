"""An import's problems in the user's language, for the upload pages of every area.

The import service (services/imports.py) words each problem in English for the API and adds
a code and its values; a page says the same in Dutch. Use `problem_text` for a RowProblem
and `file_text` for an unreadable file; uploads_view.py and `_upload_form.html` show them.
"""

from matching.services.imports import RowProblem
from matching.upload_headers import dutch_header
from matching.uploads import UnreadableFile
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _

# The column names of the files (the API's field names), with a Dutch gloss.
COLUMN_LABELS = {
    "address": _l("adres"),
    "postcode": _l("postcode"),
    "wijk": _l("wijk of U16-gemeente"),
    "complex_code": _l("complexcode"),
    "rooms": _l("kamers"),
    "floor_area_m2": _l("woonoppervlak"),
    "rent": _l("kale huur"),
    "floor": _l("verdieping"),
    "has_lift": _l("lift"),
    "accessible": _l("rolstoeltoegankelijk"),
    "senior_label": _l("seniorenlabel"),
    "designation": _l("bestemming"),
    "lease_type": _l("soort huurcontract"),
    "self_contained": _l("zelfstandig"),
    "student_complex": _l("studentencomplex"),
    "available_from": _l("beschikbaar vanaf"),
    "earmarked_care_provider_ids": _l("gereserveerd voor zorgaanbieders"),
    "reference": _l("referentie"),
    "target_group": _l("doelgroep"),
    "adults": _l("volwassenen"),
    "children": _l("kinderen"),
    "birth_year": _l("geboortejaar"),
    "annual_income": _l("jaarinkomen"),
    "needs": _l("behoeften"),
    "excluded_wijken": _l("uitgesloten wijken"),
    "preferred_wijken": _l("voorkeurswijken"),
    "flip_lease_ok": _l("akkoord omklapcontract"),
    "support_confirmed": _l("begeleiding bevestigd"),
    "registered_on": _l("aanmelddatum"),
    "hotel_stay_since": _l("in corporatiehotel sinds"),
    "hotel_kind": _l("corporatiehotel"),
    "origin_municipality": _l("gemeente van herkomst"),
}

_PATTERNS = {
    "postcode": _l("Schrijf een postcode zoals 3531AB."),
    "designation": _l("Schrijf uitstroom of instroom."),
    "lease_type": _l("Schrijf direct, flip of campus."),
    "reference": _l("Alleen letters, cijfers en . _ / -, zonder spaties."),
    "hotel_kind": _l("Schrijf single (alleenstaanden) of family (gezinshotel)."),
    "student_complex": _l("Gebruik letters, cijfers, spaties en . _ / -."),
}

_REFERENCES = {
    "wijk": _l("'%(value)s' is geen bekende wijk of U16-gemeente."),
    "excluded_wijken": _l("Onbekende wijk in '%(value)s'."),
    "preferred_wijken": _l("Onbekende wijk in '%(value)s'."),
    "target_group": _l("'%(value)s' is geen bekende doelgroep."),
    "reference": _l("Uw organisatie gebruikt deze referentie al."),
    "earmarked_care_provider_ids": _l("'%(value)s' is geen zorgaanbieder."),
    "origin_municipality": _l("'%(value)s' is geen Utrecht of U16-gemeente."),
    "hotel_kind": _l("Het corporatiehotel past niet bij dit huishouden of deze doelgroep "
                     "('%(value)s')."),
    "hotel_stay_since": _l("Alleen voor de doelgroep corporatiehotel, en daar verplicht; "
                           "niet in de toekomst ('%(value)s')."),
}


def column_label(name: str) -> str:
    """`kamers`, `wijk (wijk of U16-gemeente)`: the column as the template names it, and what
    it means where the name alone does not say it."""
    header, gloss = dutch_header(name), COLUMN_LABELS.get(name)
    return f"{header} ({gloss})" if gloss and str(gloss) != header else header


def problem_text(problem: RowProblem) -> str:
    """One problem of an import report, said in the user's language."""
    p = {"value": "", **problem.params}
    code, column = problem.code, problem.column
    simple = {
        "missing": _("Verplicht, maar leeg."),
        "no_rows": _("Het bestand heeft geen rijen onder de kopregel."),
        "missing_column": _("Deze verplichte kolom ontbreekt in de kopregel."),
        "unknown_column": _("Onbekende kolom; gebruik de kolommen van het sjabloon."),
    }
    if code in simple:
        return simple[code]
    if code in ("int_parsing", "int_type", "int_from_float"):
        return _("'%(value)s' is geen heel getal.", value=p["value"])
    if code in ("decimal_parsing", "decimal_type"):
        return _("'%(value)s' is geen bedrag; schrijf bijvoorbeeld 560,00.", value=p["value"])
    if code.startswith("date_"):
        return _("'%(value)s' is geen datum; schrijf bijvoorbeeld 13-01-2026.", value=p["value"])
    if code in ("bool_parsing", "bool_type"):
        return _("'%(value)s' is geen ja of nee.", value=p["value"])
    bounds = {
        "greater_than_equal": _("Moet minstens %(bound)s zijn.", bound=p.get("ge")),
        "greater_than": _("Moet meer dan %(bound)s zijn.", bound=p.get("gt")),
        "less_than_equal": _("Mag hoogstens %(bound)s zijn.", bound=p.get("le")),
        "less_than": _("Moet minder dan %(bound)s zijn.", bound=p.get("lt")),
        "string_too_short": _("Te kort: minstens %(bound)s tekens.", bound=p.get("min_length")),
        "string_too_long": _("Te lang: hoogstens %(bound)s tekens.", bound=p.get("max_length")),
        "decimal_max_places": _("Hoogstens %(bound)s cijfers achter de komma.",
                                bound=p.get("decimal_places")),
    }
    if code in bounds:
        return bounds[code]
    if code == "string_pattern_mismatch":
        return str(_PATTERNS.get(column) or _("Deze waarde heeft niet de juiste vorm."))
    if code == "value_error" and column == "needs":
        return _("Onbekende behoefte; gebruik ground_floor, lift of wheelchair.")
    if code == "duplicate_in_file":
        return _("Deze referentie staat ook in rij %(row)s.", row=p.get("row", "?"))
    if code == "reference" and column in _REFERENCES:
        return str(_REFERENCES[column]) % {"value": p["value"]}
    return problem.problem


def file_text(error: UnreadableFile) -> str:
    """Why an uploaded file could not be read, in the user's language."""
    p = {"name": "", "row": "?", "max": "", **error.params}
    texts = {
        "not_utf8": _("Het bestand is geen UTF-8-tekst. Sla het op als 'CSV UTF-8' of als "
                      "XLSX en probeer het opnieuw."),
        "not_xlsx": _("Dit is geen leesbaar XLSX-bestand."),
        "unknown_format": _("Upload een CSV- of XLSX-bestand."),
        "empty": _("Het bestand is leeg; de eerste rij moet de kolomnamen bevatten."),
        "no_header": _("Een kolom in de kopregel heeft geen naam."),
        "duplicate_column": _("De kolom '%(name)s' staat twee keer in de kopregel.",
                              name=p["name"]),
        "extra_cells": _("Rij %(row)s heeft meer cellen dan de kopregel kolommen heeft.",
                         row=p["row"]),
        "too_many_rows": _("Het bestand heeft meer dan %(max)s rijen; splits het in delen.",
                           max=p["max"]),
        "too_many_columns": _("De kopregel heeft meer dan %(max)s kolommen; gebruik de "
                              "kolommen van het sjabloon.", max=p["max"]),
        "row_too_wide": _("Rij %(row)s heeft meer dan %(max)s cellen; gebruik de kolommen "
                          "van het sjabloon.", row=p["row"], max=p["max"]),
        "too_large": _("Het werkboek bevat veel meer dan een upload kan bevatten; sla alleen "
                       "het ingevulde sjabloon op en probeer het opnieuw."),
        "bad_csv": _("Het CSV-bestand kan niet worden gelezen."),
    }
    return texts.get(error.code, _("Het bestand kan niet worden gelezen."))
