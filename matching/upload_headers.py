"""The column names of the upload templates in Dutch, and the Dutch names read back.

The templates a corporation or care provider downloads name their columns in Dutch ("kale
huur", "beschikbaar vanaf"). An uploaded file may use those names or the API's field names
("rent", "available_from"): integrators' files keep working. Reading turns both into the
field names the import services know; the API's own bodies never pass through here."""

from collections.abc import Sequence
from typing import Any

from matching.uploads import SheetRow, UnreadableFile

# Field name -> the Dutch column name (lowercase: headers are read lowercased).
DUTCH_HEADERS = {
    "address": "adres",
    "postcode": "postcode",
    "wijk": "wijk",
    "complex_code": "complexcode",
    "rooms": "kamers",
    "floor_area_m2": "woonoppervlak m2",
    "rent": "kale huur",
    "floor": "verdieping",
    "has_lift": "lift",
    "accessible": "rolstoeltoegankelijk",
    "senior_label": "seniorenlabel",
    "designation": "bestemming",
    "lease_type": "soort huurcontract",
    "self_contained": "zelfstandig",
    "student_complex": "studentencomplex",
    "available_from": "beschikbaar vanaf",
    "earmarked_care_provider_ids": "gereserveerd voor zorgaanbieders",
    "reference": "referentie",
    "target_group": "doelgroep",
    "adults": "volwassenen",
    "children": "kinderen",
    "birth_year": "geboortejaar",
    "annual_income": "jaarinkomen",
    "needs": "behoeften",
    "excluded_wijken": "uitgesloten wijken",
    "preferred_wijken": "voorkeurswijken",
    "flip_lease_ok": "akkoord omklapcontract",
    "support_confirmed": "begeleiding bevestigd",
    "registered_on": "aanmelddatum",
    "hotel_stay_since": "in corporatiehotel sinds",
    "hotel_kind": "corporatiehotel",
    "origin_municipality": "gemeente van herkomst",
}
FIELDS = {dutch: name for name, dutch in DUTCH_HEADERS.items()}


def dutch_header(field: str) -> str:
    return DUTCH_HEADERS.get(field, field)


def dutch_columns(columns: Sequence[str], example: dict[str, Any]) -> tuple[list[str],
                                                                            dict[str, Any]]:
    """A template's columns and example row under their Dutch names."""
    return ([dutch_header(c) for c in columns],
            {dutch_header(c): value for c, value in example.items()})


def to_fields(rows: list[SheetRow]) -> list[SheetRow]:
    """The rows keyed by field name, whichever of the two names each column used. A column
    named twice (once in Dutch, once by its field name) is refused as a doubled column."""
    if not rows:
        return rows
    header = list(rows[0])
    fields = [FIELDS.get(name, name) for name in header]
    for field in set(fields):
        if fields.count(field) > 1:
            raise UnreadableFile("duplicate_column", f"the column '{field}' appears twice",
                                 name=dutch_header(field))
    if fields == header:
        return rows
    return [SheetRow({FIELDS.get(k, k): v for k, v in row.items()}, row.line) for row in rows]
