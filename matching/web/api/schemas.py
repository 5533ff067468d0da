"""Request shapes of the API: path parameters, query parameters and bodies (pydantic).

Bodies refuse unknown fields. Values are bounded so that nothing a client sends can reach
the database as something it cannot store (ids within a 32-bit integer, dates within
2000-2100); the rules themselves stay in the services and in matching.schemas.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from matching.access import MAX_ID
from matching.schemas import ClientInput, DwellingInput, refuse_over_long_text
from matching.services.round_escalation import REASON_MAX_LENGTH as ROUND_REASON_MAX_LENGTH
from matching.services.steering import MAX_QUARTER_LETTINGS, RUNGS
from matching.vocabulary import (
    ClientState,
    DwellingState,
    LeaseState,
    LeaseType,
    OrganisationKind,
    utcnow,
)
from matching.workdays import local_date

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _written_as_a_date(value: Any) -> Any:
    """Take a date only as the contract writes it, YYYY-MM-DD (pydantic alone would also
    read a timestamp, or a number of seconds since 1970, as a date)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    raise ValueError("write the date as YYYY-MM-DD")


def _today() -> date:
    return local_date(utcnow())


def _in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must lie between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[date, BeforeValidator(_written_as_a_date), AfterValidator(_in_range),
                Field(description="YYYY-MM-DD, between 2000-01-01 and 2100-12-31")]
QUARTER_PATTERN = r"^20[0-9]{2}Q[1-4]$"  # 2000Q1 to 2099Q4, like the dates
Reason = Annotated[str, Field(min_length=1, max_length=1000)]
Motivation = Annotated[str, Field(max_length=2000)]
ReasonCode = Annotated[str, Field(max_length=60)]


# --- path parameters --------------------------------------------------------------------------


class DwellingPath(BaseModel):
    dwelling_id: Id


class ProposalPath(BaseModel):
    proposal_id: Id


class ClientPath(BaseModel):
    client_id: Id


class LeasePath(BaseModel):
    lease_id: Id


class NotificationPath(BaseModel):
    notification_id: Id


class QuarterPath(BaseModel):
    quarter: Annotated[str, Field(pattern=QUARTER_PATTERN, description="written like 2019Q3")]


class YearPath(BaseModel):
    year: Annotated[int, Field(ge=2000, le=2100)]


class HalfPath(BaseModel):
    # The service checks the form (422 after the role check), like a quarter in a report.
    half: Annotated[str, Field(max_length=10, description="written like 2022H1")]


# --- query parameters -------------------------------------------------------------------------


def _empty_allowed(schema: dict[str, Any]) -> None:
    """Document that every query parameter may also be sent empty (`?state=`)."""
    for name, prop in list(schema.get("properties", {}).items()):
        kept = {k: prop.pop(k) for k in ("title", "default", "description") if k in prop}
        # A query string has no null; leaving a parameter out is how it is "not given".
        options = [o for o in prop.pop("anyOf", None) or [prop] if o != {"type": "null"}]
        schema["properties"][name] = {**kept,
                                      "anyOf": [*options, {"type": "string", "maxLength": 0}]}


class Query(BaseModel):
    """Query parameters; an empty value (`?state=`) means the parameter is not given."""

    model_config = ConfigDict(json_schema_extra=_empty_allowed)

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data


class PageQuery(Query):
    """?page=1&per_page=50."""

    page: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=200)] = 50


class OrganisationQuery(PageQuery):
    kind: OrganisationKind | None = None


class ReasonCodeQuery(PageQuery):
    kind: Literal["landlord", "candidate"] | None = None


class DwellingQuery(PageQuery):
    state: DwellingState | None = None
    quarter: Annotated[str | None, Field(pattern=QUARTER_PATTERN)] = None
    corporation_id: Id | None = None


class ClientQuery(PageQuery):
    state: ClientState | None = None
    target_group: Annotated[str | None, Field(max_length=40)] = None
    reference: Annotated[str | None, Field(max_length=40)] = None


class LeaseQuery(PageQuery):
    type: LeaseType | None = None
    state: LeaseState | None = None


def _true_or_false(value: Any) -> Any:
    """Take a flag as true or false, in any case (a client library may write True), but not
    as 1, yes or on."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError("write true or false")


Flag = Annotated[bool, BeforeValidator(_true_or_false)]


class NotificationQuery(PageQuery):
    unread: Flag | None = Field(None, description="true: only the unread ones; false or left "
                                                "out: all")


class SuggestionQuery(PageQuery):
    """Without per_page: one round's worth (the year's round size)."""

    per_page: Annotated[int | None, Field(ge=1, le=200)] = None  # type: ignore[assignment]


class ReportQuery(Query):
    format: Literal["json", "csv", "xlsx"] | None = Field(
        None, description="xlsx or csv for a file; or send Accept: text/csv"
    )


# --- headers ----------------------------------------------------------------------------------


class IdempotencyHeader(BaseModel):
    idempotency_key: str | None = Field(
        None, alias="Idempotency-Key", min_length=1, max_length=200,
        description="repeat a POST or PUT safely: the same key and body get the first answer",
    )


# --- bodies -----------------------------------------------------------------------------------


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _not_too_long_as_sent(cls, value: object, info: ValidationInfo) -> object:
        return refuse_over_long_text(cls, value, info)


class OptionalBody(Body):
    """A body whose fields are all optional: it may be left out."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              openapi_extra={"required": False})  # type: ignore[typeddict-unknown-key]

    @model_validator(mode="before")
    @classmethod
    def _absent_is_empty(cls, data: Any) -> Any:
        return {} if data is None else data


class DwellingCreate(DwellingInput):
    """A dwelling offer; the rules are those of matching.schemas.DwellingInput."""

    available_from: Day
    earmarked_care_provider_ids: Annotated[list[Id], Field(max_length=50)] = []
    corporation_id: Id | None = Field(
        None, description="may be sent, but only as the caller's own corporation")


class ClientCreate(ClientInput):
    """A referral; the rules are those of matching.schemas.ClientInput."""

    registered_on: Annotated[Day, Field(default_factory=_today,
                                        description="YYYY-MM-DD; today when left out")]
    care_provider_id: Id | None = Field(
        None, description="may be sent, but only as the caller's own care provider")
    needs: Annotated[list[str], Field(max_length=3)] = []
    excluded_wijken: Annotated[list[Annotated[str, Field(max_length=60)]],
                               Field(max_length=40)] = []
    preferred_wijken: Annotated[list[Annotated[str, Field(max_length=60)]],
                                Field(max_length=40)] = []


class NoBody(OptionalBody):
    pass


class WithdrawBody(Body):
    reason: Reason


class ProposeBody(Body):
    client_ids: Annotated[list[Id], Field(max_length=20)]
    motivation: Motivation | None = None


class DecisionBody(Body):
    client_id: Id
    decision: Literal["accept", "reject"]
    reason_code: ReasonCode | None = None
    motivation: Motivation | None = None


class OfferBody(Body):
    answer: Literal["accepted", "declined"]
    reason_code: ReasonCode | None = None
    valid: bool | None = None
    motivation: Motivation | None = None


class LetBody(Body):
    lease_start: Day
    lease_type: LeaseType


class ApproveBody(OptionalBody):
    waiting_since: Day | None = None


class HoldBody(OptionalBody):
    reason: Annotated[str, Field(max_length=1000)] = ""


class ResumeBody(OptionalBody):
    reason: Annotated[str, Field(max_length=1000)] = ""


class ReinstateBody(Body):
    motivation: Annotated[str, Field(min_length=1, max_length=2000)]


class TransferBody(Body):
    on: Day


class ExtendBody(Body):
    review_on: Day
    reason: Reason


class InstitutionFlipBody(Body):
    """An institution dwelling flipped to a regular lease in the client's name."""

    client_id: Id = Field(description="a client of the caller's care provider (the agency: any)")
    corporation_id: Id = Field(description="the corporation that becomes the landlord")
    address: Annotated[str, Field(min_length=1, max_length=200)]
    wijk: Annotated[str, Field(min_length=1, max_length=60,
                               description="one of the ten Utrecht districts or a U16 "
                                           "municipality")]
    start: Annotated[Day, Field(description="YYYY-MM-DD: the day the client became the tenant")]


class EndBody(Body):
    on: Day
    reason: Reason


class CitydealNominationBody(Body):
    """The day the Citydeal-overleg nominated a client of target group citydeal."""

    nominated_on: Annotated[Day, Field(description="YYYY-MM-DD: the day the Citydeal-overleg "
                                                   "put the client forward; not in the future")]


RoundReason = Annotated[str, Field(min_length=1, max_length=ROUND_REASON_MAX_LENGTH)]


class RoundExtendBody(Body):
    deadline: Annotated[Day, Field(description="YYYY-MM-DD: a working day after today, at "
                                               "the latest one decision term from today")]
    reason: RoundReason


class RoundCancelBody(Body):
    reason: RoundReason


# Strict whole numbers: JSON `true` or `"612"` is not a count of lettings or a rung.
Lettings = Annotated[int, Field(strict=True, ge=1, le=MAX_QUARTER_LETTINGS)]


class TotalLettingsBody(Body):
    total: Lettings = Field(description="the corporations' new lettings in the quarter")
    source: Annotated[str, Field(min_length=1, max_length=300,
                                 description="where the figure comes from")]


Persons = Annotated[int, Field(strict=True, ge=0, le=100_000)]


class AccelerationBody(Body):
    name: Annotated[str, Field(min_length=1, max_length=200,
                               description="the plan, e.g. VRU versnelde uitstroom")]
    persons: Annotated[int, Field(strict=True, ge=1, le=100_000)]
    weeks: Annotated[int, Field(strict=True, ge=1, le=26)]
    starts_on: Day


class StatushouderInputsBody(Body):
    extra_target: Persons | None = Field(
        None, description="the extra (voluntary) target on top of the total; null: none")
    administratively_housed: Persons | None = Field(
        None, description="persons linked to a dwelling, not yet counted by COA; null: unknown")
    accelerations: list[AccelerationBody] = Field(
        default_factory=list, max_length=10,
        description="the half-year's acceleration plans (replacing the earlier ones)")
    source: Annotated[str, Field(min_length=1, max_length=300,
                                 description="where the figures come from")]


class RungBody(Body):
    rung: Annotated[int, Field(strict=True, ge=RUNGS.start, le=RUNGS.stop - 1,
                               description="the intervention-ladder rung the province set")]
    note: Annotated[str, Field(min_length=1, max_length=1000,
                               description="the province's decision: letter, date, reason")]
