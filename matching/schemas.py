"""Input shapes for creating and editing dwellings and clients, validated before any write."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from matching.services.errors import ValidationFailed

NEEDS = ("ground_floor", "lift", "wheelchair")


def refuse_over_long_text(model: type[BaseModel], value: object,
                          info: ValidationInfo) -> object:
    """Refuse a text longer than its field allows as sent, before whitespace is stripped:
    the documented maxLength holds for the request itself."""
    field = model.model_fields.get(info.field_name or "")
    limits = [getattr(rule, "max_length", None) for rule in (field.metadata if field else ())]
    limit = next((n for n in limits if isinstance(n, int)), None)
    if isinstance(value, str) and limit is not None and len(value) > limit:
        raise PydanticCustomError("string_too_long",
                                  "String should have at most {max_length} characters",
                                  {"max_length": limit})
    return value


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _not_too_long_as_sent(cls, value: object, info: ValidationInfo) -> object:
        return refuse_over_long_text(cls, value, info)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        # No field has a use for NUL, and PostgreSQL's text cannot hold one.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("contains a NUL character")
        return value


class DwellingInput(_Input):
    address: Annotated[str, Field(min_length=3, max_length=200)]
    postcode: Annotated[str, Field(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$")]
    wijk: Annotated[str, Field(min_length=2, max_length=60)]
    complex_code: Annotated[str | None, Field(max_length=40)] = None
    rooms: Annotated[int, Field(ge=1, le=12)]
    floor_area_m2: Annotated[int, Field(ge=10, le=400)]
    rent: Annotated[Decimal, Field(gt=0, le=5000, decimal_places=2)]
    floor: Annotated[int, Field(ge=-1, le=60)] = 0
    has_lift: bool = False
    accessible: bool = False
    senior_label: bool = False
    designation: Annotated[str, Field(pattern=r"^(uitstroom|instroom)$")] = "uitstroom"
    lease_type: Annotated[str, Field(pattern=r"^(direct|flip|campus)$")] = "direct"
    # False: a room with shared facilities (no housing benefit); contract 1.1.
    self_contained: bool = True
    # The code of an SSH student complex, for its cap on special groups; contract 1.1.
    student_complex: Annotated[str | None, Field(max_length=40,
                                                 pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._/-]*$")] = None
    available_from: date
    earmarked_care_provider_ids: list[int] = []

    @field_validator("student_complex", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("postcode")
    @classmethod
    def _normalise_postcode(cls, value: str) -> str:
        return value.replace(" ", "")


class ClientInput(_Input):
    reference: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$")]
    target_group: Annotated[str, Field(min_length=2, max_length=40)]
    adults: Annotated[int, Field(ge=1, le=6)] = 1
    children: Annotated[int, Field(ge=0, le=12)] = 0
    birth_year: Annotated[int, Field(ge=1900, le=2030)]
    annual_income: Annotated[int, Field(ge=0, le=500_000)]
    needs: list[str] = []
    excluded_wijken: list[str] = []
    preferred_wijken: list[str] = []
    flip_lease_ok: bool = False
    support_confirmed: bool = False
    registered_on: date
    # A corporation-hotel stay and the municipality of origin (matching/services/hotels.py
    # checks them against the target group and the U16 list).
    hotel_stay_since: date | None = None
    hotel_kind: Annotated[str | None, Field(pattern=r"^(single|family)$")] = None
    origin_municipality: Annotated[str | None, Field(min_length=2, max_length=60)] = None

    @field_validator("hotel_kind", mode="before")
    @classmethod
    def _hotel_kind_in_dutch(cls, value: object) -> object:
        # An upload may name the hotel in Dutch.
        dutch = {"alleenstaanden": "single", "alleenstaande": "single", "gezin": "family",
                 "gezinshotel": "family"}
        return dutch.get(value.strip().lower(), value) if isinstance(value, str) else value

    @field_validator("needs")
    @classmethod
    def _known_needs(cls, value: list[str]) -> list[str]:
        unknown = [n for n in value if n not in NEEDS]
        if unknown:
            raise ValueError(f"unknown need(s) {', '.join(unknown)}; use {', '.join(NEEDS)}")
        return sorted(set(value))


def parse(model: type[_Input], data: dict) -> _Input:
    """Validate `data` against `model`, raising ValidationFailed that names every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems: dict[str, str] = {}
        for item in error.errors():
            name = ".".join(str(part) for part in item["loc"]) or "body"
            problems.setdefault(name, item["msg"])
        raise ValidationFailed(problems) from None
