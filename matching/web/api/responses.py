"""Response shapes of the API (pydantic): what the document promises and the views return.

Views build these models and dump them, so an answer cannot drift from its schema.
Timestamps carry Utrecht's offset; dates are YYYY-MM-DD; rent is euros with cents.
"""

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class PageOf(BaseModel, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int


class Stateful(BaseModel):
    state: str
    allowed_triggers: list[str] = Field(description="triggers the state machine allows now")


class Event(BaseModel):
    at: datetime
    trigger: str
    from_state: str | None
    to_state: str
    actor_user_id: int | None
    data: dict[str, Any]


class OrganisationOut(BaseModel):
    id: int
    name: str
    kind: str = Field(description="corporation, agency, care_provider or municipality")


class UserOut(BaseModel):
    id: int
    email: str
    role: str


class MeOut(BaseModel):
    """The caller: `user`, `role` and `organisation`; the user's id and email are repeated at
    the top level, as version 1 first answered them."""

    id: int
    email: str
    role: str
    contingent_manager: bool
    user: UserOut
    organisation: OrganisationOut


class ReasonCodeOut(BaseModel):
    code: str
    kind: str = Field(description="landlord (rejected or withdrawn) or candidate (declined)")
    label_nl: str
    label_en: str
    needs_motivation: bool
    vera_status: str | None


class TargetGroupOut(BaseModel):
    code: str
    label_nl: str
    label_en: str
    phase: str


class DwellingOut(Stateful):
    id: int
    corporation_id: int
    address: str
    postcode: str
    wijk: str
    complex_code: str | None
    rooms: int
    floor_area_m2: int
    rent: float = Field(description="bare rent per month in euros")
    floor: int
    has_lift: bool
    accessible: bool
    senior_label: bool
    designation: str
    lease_type: str
    self_contained: bool = Field(
        description="a zelfstandige woning; false for a room with shared facilities, "
                    "which gets no housing benefit")
    student_complex: str | None = Field(
        description="code of the SSH student complex, for its cap on special groups")
    available_from: date
    earmarked_care_provider_ids: list[int]
    matched_client_id: int | None
    submitted_at: datetime | None
    quarter: str | None
    created_at: datetime


class CandidateClient(BaseModel):
    """What a corporation needs to judge a candidate; reading it is logged."""

    id: int
    care_provider_id: int
    target_group: str
    adults: int
    children: int
    birth_year: int | None = Field(description="empty once retention erased it")
    annual_income: int | None = Field(description="empty once retention erased it")
    needs: list[str]
    flip_lease_ok: bool
    support_confirmed: bool
    waiting_since: date | None


class CandidateOut(Stateful):
    client_id: int
    position: int
    score: float | None
    explanation: dict[str, Any] | None
    reason_code: str | None
    motivation: str | None
    decided_at: datetime | None
    client: CandidateClient | None


class ProposalOut(Stateful):
    id: int
    dwelling_id: int
    round_no: int
    policy_version: str
    motivation: str | None
    deviates: bool = Field(description="others than the engine's top suggestions")
    opened_at: datetime
    deadline: date | None
    closed_at: datetime | None
    candidates: list[CandidateOut]


class ProposalResult(ProposalOut):
    dwelling: DwellingOut


class DwellingDetail(DwellingOut):
    rounds: list[ProposalOut]
    history: list[Event]


class ClientOut(Stateful):
    id: int
    care_provider_id: int
    reference: str
    target_group: str
    phase: str
    adults: int
    children: int
    birth_year: int | None = Field(description="empty once retention erased it")
    annual_income: int | None = Field(description="empty once retention erased it")
    needs: list[str]
    excluded_wijken: list[str]
    preferred_wijken: list[str]
    flip_lease_ok: bool
    support_confirmed: bool
    registered_on: date
    waiting_since: date | None
    hotel_stay_since: date | None = Field(
        description="(1.1) the day a stay in a corporation hotel began")
    hotel_kind: str | None = Field(
        description="(1.1) the corporation hotel: `single`, or `family` (at most three persons)")
    origin_municipality: str | None = Field(
        description="(1.1) the municipality the client comes from: Utrecht or a U16 "
                    "municipality")
    one_time_offer_due: bool = Field(
        description="(1.1) twelve months in a corporation hotel without housing: the agency "
                    "makes a one-time offer")
    citydeal_nominated_on: date | None = Field(
        description="(1.1) target group citydeal: the day the Citydeal-overleg nominated the "
                    "client (POST /clients/{id}/citydeal-nomination); else empty")
    erased_at: datetime | None = Field(
        description="when retention erased the personal fields of a client who left the "
                    "process (birth year, income, needs, districts, free texts)")


class ClientDetail(ClientOut):
    history: list[Event]


class LeaseOut(Stateful):
    id: int
    dwelling_id: int | None
    client_id: int | None
    corporation_id: int
    tenant_care_provider_id: int | None
    care_provider_id: int | None
    type: str = Field(description="direct, flip or campus")
    lease_type: str = Field(description="the same as type")
    is_institution: bool
    address: str | None
    wijk: str | None = Field(None, description="an institution dwelling's district; else empty")
    start: date
    review_on: date | None
    end_on: date | None
    transferred_on: date | None
    ended_on: date | None


class LeaseDetail(LeaseOut):
    history: list[Event]


class LetResult(DwellingOut):
    lease: LeaseOut


class Suggestion(BaseModel):
    rank: int
    client_id: int
    care_provider_id: int
    target_group: str
    phase: str
    adults: int
    children: int
    birth_year: int
    annual_income: int
    needs: list[str]
    waiting_since: date
    score: float
    explanation: dict[str, Any]


class SuggestionsOut(PageOf[Suggestion]):
    dwelling_id: int
    policy_version: str
    waiting: int
    eligible: int
    excluded: dict[str, int] = Field(description="waiting clients excluded, per rule")


class QuotaOut(BaseModel):
    corporation_id: int
    corporation: str
    quarter: str
    quota: int
    submitted: int
    instroom_quota: int
    instroom_submitted: int
    backlog: int


class QuotaPage(PageOf[QuotaOut]):
    quarter: str


_HIDDEN = "null: hidden from the municipality, fewer than 5 clients"


class ContingentOut(BaseModel):
    care_provider_id: int
    care_provider: str
    contingent: int
    proposed: int | None = Field(description=_HIDDEN)
    housed: int | None = Field(description=_HIDDEN)
    remaining: int | None = Field(
        description="the contingent less the housed; null when the housed count is hidden")


class CityDealOut(BaseModel):
    """The City Deal contingent of a year: its own contingent, not a care provider's row
    (matching.reports.citydeal says what is counted)."""

    year: int
    target: int | None = Field(description="places for target group citydeal in the year's "
                                           "allocation targets (2019: 30; 2025: 12)")
    source: str
    nominated: int | None = Field(description="clients the Citydeal-overleg nominated in the "
                                              "year up to today; " + _HIDDEN)
    housed: int | None = Field(description="City Deal clients let a dwelling with a lease "
                                           "starting in the year up to today; " + _HIDDEN)
    housed_nominated: int | None = Field(description="of the housed, those nominated")
    remaining: int | None
    pct_of_target: float | None = Field(description="housed as a percentage of the target")
    evaluated: bool = Field(description="the year has ended: `met` is the year-end verdict")
    met: bool | None = Field(description="housed reached the target; null without a target")


class ContingentPage(PageOf[ContingentOut]):
    year: int
    suppressed_below: int | None = Field(
        description="counts of clients below this are null for this reader (null: none are)")
    citydeal: CityDealOut | None = Field(None, description=(
        "the City Deal contingent of the year, beside the care providers' rows (null for a "
        "care provider, and for a year without one)"))
    provisional: bool = Field(False, description=(
        "true while the year's contingents are the provisional division written on its first "
        "day from the previous year's shares, until the contingent manager confirms them"))


class AllocationGroupOut(BaseModel):
    """One line of the verdeelbesluit (matching.reports.allocation says what is counted)."""

    target_group: str | None = Field(description="a target group code, or null")
    places: int
    requested: int = Field(description="places if requested from the corporations, else 0")
    realised: int | None = Field(description="lets to the line's group; null: fewer than 5")
    group: str = Field(description="the line's name in the verdeelbesluit")
    requested_from_corporations: bool
    source: str


class ForecastBandOut(BaseModel):
    """An assumed year-end band of the verdeelbesluit (matching.reports.allocation)."""

    low_pct: float
    high_pct: float
    low_places: int = Field(description="total_places x low_pct, rounded half to even")
    high_places: int = Field(description="total_places x high_pct, rounded half to even")
    shortfall_min: int = Field(description="total_places - high_places")
    shortfall_max: int = Field(description="total_places - low_places")
    source: str = Field(description="the assumption the band rests on")


class AllocationOut(BaseModel):
    """The verdeelbesluit of a year against its realisation, as of `as_of`."""

    year: int
    total_places: int
    requested_from_corporations: int
    self_search: int = Field(description="places of self-searchers, not requested")
    realised: int | None = Field(
        description="lets toward the requested lines' groups; null for the municipality when "
                    "it is below 5 or includes a group that is")
    per_month_needed: float | None = Field(
        description="(requested_from_corporations - realised) / whole months left after "
                    "as_of's month (at least 1), one decimal; null when realised is")
    as_of: date
    groups: list[AllocationGroupOut]
    months_left: int
    monthly_target: float = Field(description="total_places / 12, one decimal")
    realised_self_search: int | None
    realised_all: int | None = Field(description="every let of the year, any target group")
    pct_realised: float | None = Field(description="realised / requested, percent")
    forecast_at_pace: int | None = Field(description="year-end lets at the pace so far")
    suppressed_below: int | None = None
    # Added (additive): the assumed year-end band and its shortfall.
    forecast_band: ForecastBandOut = Field(
        description="year-end band in percent and places of total_places, with the shortfall")


class OrganisationPage(PageOf[OrganisationOut]):
    pass


class ReasonCodePage(PageOf[ReasonCodeOut]):
    pass


class TargetGroupPage(PageOf[TargetGroupOut]):
    pass


class DwellingPage(PageOf[DwellingOut]):
    pass


class ClientPage(PageOf[ClientOut]):
    pass


class LeasePage(PageOf[LeaseOut]):
    pass


class NotificationOut(BaseModel):
    """A notification of the caller: what happened and what it concerns, in both languages;
    never a client's personal fields."""

    id: int
    kind: str = Field(description="round_opened, round_decided, referral_received, ...")
    created_at: datetime
    read_at: datetime | None
    subject_type: str = Field(description="dwelling, proposal, client, lease or quarter")
    subject_id: int
    message_nl: str
    message_en: str


class NotificationPage(PageOf[NotificationOut]):
    pass


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportOut(BaseModel):
    """A monitoring report (matching.reports): aggregates only; for the municipality a cell
    counting fewer than five clients is null. Sections may grow; read what you know."""

    model_config = ConfigDict(extra="allow", openapi_extra={  # type: ignore[typeddict-unknown-key]
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    })

    period: dict[str, Any] = Field(description="kind, code, from, to")
    as_of: str | None = None
    generated_at: str | None = None
    scope: str | None = Field(None, description="all, or own_figures for a corporation")
    suppressed_below: int | None = None
    frozen: bool | None = Field(None, description=(
        "quarter reports: true once the quarter is closed; the figures are then the snapshot "
        "stored on closing and never change again (generated_at is the closing moment)"))
    closed_at: str | None = Field(None, description="quarter reports: when it was closed")
    closed_by: dict[str, Any] | None = Field(None, description=(
        "quarter reports: who closed it: id, email, organisation"))
    quotas: list[dict[str, Any]] | None = Field(None, description=(
        "per corporation: quota, submitted, instroom_quota, instroom_submitted, backlog, "
        "instroom_backlog, withdrawn, released_unused; in a quarter report the backlog is the "
        "one carried into the quarter, in a year report the shortfall the year's ended "
        "quarters leave (once the year is over: the shortfall at its end)"))
    matching: dict[str, Any] | None = None
    speed: list[dict[str, Any]] | None = None
    waiting: list[dict[str, Any]] | None = None
    waiting_per_care_provider: list[dict[str, Any]] | None = Field(None, description=(
        "the figures of waiting per care provider: care_provider_id, care_provider, waiting, "
        "suppressed, median_days, p90_days, share_past_three_months ([] for a corporation)"))
    contingents: list[dict[str, Any]] | None = None
    leases: dict[str, Any] | None = None
    institution_flips: list[dict[str, Any]] | None = Field(None, description=(
        "per care provider with a target or flips in the year: care_provider_id, "
        "care_provider, target (null: none that year), in_period, year_to_date, per_quarter "
        "({Q1..Q4}), pct_of_target (one decimal); counted by the lease's start date "
        "([] for a corporation)"))
    citydeal: dict[str, Any] | None = Field(None, description=(
        "the City Deal contingent of the period's year up to as_of (its own contingent, "
        "evaluated at the year end): year, target, source, nominated (by the "
        "Citydeal-overleg), housed, housed_nominated, remaining, pct_of_target, evaluated, "
        "met; null for a corporation and for a year without one"))
    spreading: list[dict[str, Any]] | None = Field(None, description=(
        "lettings per district: the ten Utrecht districts, then U16 municipalities with "
        "lettings: district, lettings, share_pct (of the period's lettings, one decimal), "
        "social_stock_share_pct, to_spare (a district to spare, e.g. Overvecht), suppressed; "
        "a corporation sees its own lettings"))
    corrections: list[dict[str, Any]] | None = Field(None, description=(
        "quarter reports: figures of earlier closed quarters (this year and the previous one) "
        "whose value, recomputed now as of that quarter's last day, differs from the published "
        "one: quarter, figure (a dotted path: quotas.<corporation>.<metric>, "
        "speed.<corporation>.<metric>, waiting.<target group>.<metric>, "
        "waiting_per_care_provider.<care provider>.<metric>, "
        "contingents.<care provider>.<metric>, institution_flips.<care provider>.<metric> "
        "(per_quarter.Q1 and so on), spreading.<district>.<metric>, matching.<metric>, "
        "matching.reasons.<reason code>, leases.<metric>), published, current"))


class ClosedByOut(BaseModel):
    id: int = Field(description="the user who closed the quarter")
    email: str | None = None
    organisation: str | None = Field(None, description="the user's organisation")


class QuarterClosedOut(BaseModel):
    """A closed quarter: its report is frozen from `closed_at` on."""

    quarter: str = Field(description="written like 2019Q3")
    closed_at: datetime
    closed_by: ClosedByOut = Field(description="who closed it (an object, not a bare id)")


class BalanceOut(BaseModel):
    """The 30% rule for a year (matching.reports.balance says what is counted)."""

    year: int
    priority_lettings: int
    total_lettings: int
    pct: float | None = Field(description="priority / total lettings, percent, one decimal")
    guideline_pct: float = Field(description="the year parameter priority_lettings_guideline_pct")
    source: str = Field(description="where both figures come from, assumptions named")
    # Added: the deviation flag (additive).
    tolerance_pct: float = Field(
        description="the year parameter priority_lettings_tolerance_pct, in points")
    deviation_pct: float | None = Field(
        description="pct - guideline_pct, in points; null when pct is")
    deviates: bool | None = Field(
        description="true when the deviation is larger than the tolerance either way")


class CorporationDwellingsOut(BaseModel):
    corporation_id: int
    corporation: str
    dwellings: int


class AccelerationOut(BaseModel):
    """An acceleration plan of a statushouder half-year, as the agency entered it."""

    name: str
    persons: int
    weeks: int
    starts_on: date
    ends_on: date = Field(description="starts_on + weeks x 7 - 1 day")
    per_week: float = Field(description="persons / weeks, one decimal")
    active: bool = Field(description="today falls within the plan")


class StatushouderOut(BaseModel):
    """A statushouder half-year (matching.reports.statushouders says how the rung is read).
    Persons, not dwellings (except dwellings_needed and per_corporation); null where a
    figure is not known."""

    half: str
    task: int
    backlog_start: int | None
    total: int | None = Field(description="task + backlog_start: the totaalopgave")
    realised: int | None
    pct_of_task: float | None = Field(description="realised / task, percent, one decimal")
    pct_of_total: float | None = Field(description="realised / total, percent, one decimal")
    backlog_end: int | None = Field(description="total - realised, not below 0")
    rung: int | None = Field(description="intervention-ladder rung (1-6) after the half-year")
    rung_note: str
    # Added: the task in dwellings, split over the corporations (additive).
    persons_per_dwelling: float = Field(description="the year parameter persons_per_dwelling")
    dwellings_needed: int = Field(description="task / persons_per_dwelling, rounded up")
    per_corporation: list[CorporationDwellingsOut] = Field(
        description="dwellings_needed split by the corporation weights (largest remainder)")
    # Added: steering figures beside the ladder (additive).
    deescalation_suggested: bool | None = Field(
        description="backlog_end is 0: a lower rung is in view; the supervisor decides")
    deescalation_note: str = Field(description="why, when deescalation_suggested is true")
    improvement_target: int | None = Field(
        description="the improvement plan: more than half of backlog_start, as half rounded "
                    "up (318 -> 159)")
    backlog_caught_up: int | None = Field(
        description="persons realised beyond the task: what went toward the backlog")
    pace_needed_per_week: float | None = Field(
        description="(total - realised) per week left of the half-year; null once it ended")
    extra_target: int | None = Field(description="the voluntary target on top of total")
    total_with_extra: int | None = Field(description="total + extra_target")
    administratively_housed: int | None = Field(
        description="linked to a dwelling, not yet counted by COA: not in realised")
    inputs_source: str | None = Field(description="the source of the entered inputs")
    accelerations: list[AccelerationOut] = Field(
        description="the half-year's acceleration plans by start date")


class SetByOut(BaseModel):
    id: int = Field(description="the user who entered the value")
    email: str | None = None
    organisation: str | None = Field(None, description="the user's organisation")


class TotalLettingsOut(BaseModel):
    """A quarter's total lettings as entered: the denominator of the 30% rule."""

    quarter: str = Field(description="written like 2019Q3")
    total: int = Field(description="the corporations' new lettings in the quarter")
    source: str
    set_by: SetByOut | None = Field(description="who entered it (null: the user is gone)")
    set_at: datetime


class StatushouderInputsOut(BaseModel):
    """A statushouder half-year's steering inputs, as entered."""

    half: str
    extra_target: int | None
    administratively_housed: int | None
    accelerations: list[str] = Field(description="the names of the plans now entered")
    source: str
    set_at: datetime


class StatushouderRungOut(BaseModel):
    """The intervention-ladder rung the province set after a half-year, as recorded."""

    half: str = Field(description="written like 2022H1")
    rung: int = Field(description="1-6; GET /reports/statushouders/{half} now shows it")
    note: str
    set_by: SetByOut | None = Field(description="who recorded it (null: the user is gone)")
    set_at: datetime
