"""Every table of the product. Plain data: no rules and no commits live here.

States are stored as lowercase strings (see matching.vocabulary); only the workflow
layer changes them. Every workflow row has a `version` column that SQLAlchemy checks on
update, so a lost update becomes a conflict instead of silently overwriting.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    Numeric,
    UniqueConstraint,
    event,
    text,
)
from sqlmodel import Field, SQLModel


def _version_column() -> Column:
    return Column("version", Integer, nullable=False, default=1)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _timestamp(nullable: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_type=DateTime(timezone=True), nullable=True)
    return Field(default_factory=_utcnow, sa_type=DateTime(timezone=True), nullable=False)


def _partial_index(name: str, column: str, *, where: str, unique: bool = False) -> Index:
    """An index over the rows that meet `where` only, the same on both databases."""
    return Index(name, column, unique=unique, sqlite_where=text(where),
                 postgresql_where=text(where))


# --- organisations, users, reference data -------------------------------------------------


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=20, index=True)  # corporation, agency, care_provider, municipality
    active: bool = True
    # A landlord with performance agreements (prestatieafspraken) on priority groups may
    # submit dwellings; a private landlord without them lets via WoningNet only.
    has_agreements: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: str = Field(max_length=20)  # corporation, matcher, care_provider, analyst, admin
    # Beter Wonen divides the year over the care providers; matchers and admins may too.
    contingent_manager: bool = False
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    # The language of the user's e-mail, and of the pages once signed in: nl or en.
    language: str = Field(default="nl", max_length=2)
    created_at: datetime = _timestamp()


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)  # sha256 hex of the token
    created_at: datetime = _timestamp()
    revoked_at: datetime | None = _timestamp(nullable=True)


class SecondFactor(SQLModel, table=True):
    """A user's authenticator app (TOTP): its shared secret, in use once confirmed with a
    first code. The last time-step used keeps a seen code from being replayed, and the
    wrong codes since the last right one slow down guessing (matching/services/two_factor)."""

    __tablename__ = "second_factor"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    secret: str = Field(max_length=64)  # base32, as authenticator apps take it
    created_at: datetime = _timestamp()
    confirmed_at: datetime | None = _timestamp(nullable=True)
    last_used_step: int | None = None
    failed_codes: int = 0
    last_failed_at: datetime | None = _timestamp(nullable=True)


class RecoveryCode(SQLModel, table=True):
    """A one-time code that stands in for the authenticator app, stored salted and hashed."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    code_hash: str = Field(max_length=100)
    created_at: datetime = _timestamp()
    used_at: datetime | None = _timestamp(nullable=True)


class TargetGroup(SQLModel, table=True):
    __tablename__ = "target_group"

    code: str = Field(primary_key=True, max_length=40)
    label_nl: str = Field(max_length=120)
    label_en: str = Field(max_length=120)
    phase: str = Field(max_length=10)  # instroom or uitstroom
    sort_order: int = 0


class ReasonCode(SQLModel, table=True):
    __tablename__ = "reason_code"

    code: str = Field(primary_key=True, max_length=60)
    kind: str = Field(max_length=10)  # landlord or candidate
    label_nl: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    needs_motivation: bool = False
    vera_status: str | None = Field(default=None, max_length=20)
    active: bool = True


class District(SQLModel, table=True):
    __tablename__ = "district"

    name: str = Field(primary_key=True, max_length=60)
    kind: str = Field(max_length=10)  # wijk (Utrecht city) or u16 (regional municipality)
    social_stock_share_pct: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(5, 2), nullable=True)
    )
    # A district to spare when allocating: much social housing and many vulnerable people
    # housed there already (Overvecht, 61% social rent); the spreading report flags it.
    to_spare: bool = False


class YearParameter(SQLModel, table=True):
    """One named value of a year plan; it holds until a later year names it again."""

    __tablename__ = "year_parameter"

    year: int = Field(primary_key=True)
    name: str = Field(primary_key=True, max_length=60)
    value: Decimal = Field(sa_column=Column(Numeric(14, 4), nullable=False))
    is_assumption: bool = False
    source: str = Field(default="", max_length=300)


class CorporationWeight(SQLModel, table=True):
    __tablename__ = "corporation_weight"

    year: int = Field(primary_key=True)
    corporation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    weight: Decimal = Field(sa_column=Column(Numeric(6, 4), nullable=False))
    is_assumption: bool = False
    source: str = Field(default="", max_length=300)


class AllocationTarget(SQLModel, table=True):
    """A line of the verdeelbesluit: places for a group in a year."""

    __tablename__ = "allocation_target"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    group: str = Field(max_length=120)
    target_group: str | None = Field(default=None, foreign_key="target_group.code")
    places: int
    requested_from_corporations: bool = True
    source: str = Field(default="", max_length=300)

    __table_args__ = (UniqueConstraint("year", "group"),)


class StatushouderTask(SQLModel, table=True):
    __tablename__ = "statushouder_task"

    half_year: str = Field(primary_key=True, max_length=6)  # e.g. 2022H1
    task: int
    backlog_start: int | None = None
    realised: int | None = None
    source: str = Field(default="", max_length=300)


class PriorityLettingsReference(SQLModel, table=True):
    """A year's priority lettings against total lettings from before the system (the 30%
    rule); `alternative_total` keeps a total another table of the same document prints."""

    __tablename__ = "priority_lettings_reference"

    year: int = Field(primary_key=True)
    priority_lettings: int
    total_lettings: int
    alternative_total: int | None = None
    source: str = Field(default="", max_length=300)


class TotalLettingsQuarter(SQLModel, table=True):
    """The corporations' total number of new lettings in a quarter, as the agency enters it."""

    __tablename__ = "total_lettings_quarter"

    quarter: str = Field(primary_key=True, max_length=6)  # e.g. 2019Q3
    total: int
    source: str = Field(default="", max_length=300)
    set_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    set_at: datetime = _timestamp()


class StatushouderRung(SQLModel, table=True):
    """The province's intervention-ladder rung after a half-year, set by hand (it decides)."""

    __tablename__ = "statushouder_rung"

    half_year: str = Field(primary_key=True, max_length=6)  # e.g. 2022H1
    rung: int
    note: str = Field(max_length=1000)
    set_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    set_at: datetime = _timestamp()


class StatushouderSteering(SQLModel, table=True):
    """The agency's steering inputs of a statushouder half-year: the extra (voluntary) target
    the province asked for, and the persons administratively housed (linked to a dwelling,
    not yet counted by COA). Null: not entered."""

    __tablename__ = "statushouder_steering"

    half_year: str = Field(primary_key=True, max_length=6)  # e.g. 2022H2
    extra_target: int | None = None
    administratively_housed: int | None = None
    source: str = Field(max_length=300)
    set_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    set_at: datetime = _timestamp()


class StatushouderAcceleration(SQLModel, table=True):
    """An acceleration plan of a statushouder half-year (a campaign): persons over weeks from
    a start date, as the agency enters it. A plan's name is unique within its half-year."""

    __tablename__ = "statushouder_acceleration"

    half_year: str = Field(primary_key=True, max_length=6)
    name: str = Field(primary_key=True, max_length=200)
    persons: int
    weeks: int
    starts_on: date
    source: str = Field(max_length=300)
    set_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    set_at: datetime = _timestamp()


class InstitutionFlipTarget(SQLModel, table=True):
    __tablename__ = "institution_flip_target"

    year: int = Field(primary_key=True)
    care_provider_id: int = Field(foreign_key="organisation.id", primary_key=True)
    target: int
    source: str = Field(default="", max_length=300)


class Contingent(SQLModel, table=True):
    """The number of dwellings of a year that Beter Wonen assigns to one care provider."""

    __tablename__ = "contingent"

    year: int = Field(primary_key=True)
    care_provider_id: int = Field(foreign_key="organisation.id", primary_key=True)
    contingent: int
    manual: bool = False
    # Written by the system from the previous year's shares on a new year's first day;
    # provisional until the contingent manager confirms the year's division.
    provisional: bool = False


class PolicyConfirmation(SQLModel, table=True):
    """A policy choice of a year confirmed by the one entitled to it, and when: the pro-rated
    task of the approach's first year (`approach_start`, an administrator) or a provisional
    division of contingents (`contingents`, the contingent manager)."""

    __tablename__ = "policy_confirmation"

    year: int = Field(primary_key=True)
    subject: str = Field(primary_key=True, max_length=40)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    at: datetime = _timestamp()


class ContingentChange(SQLModel, table=True):
    """The log of every contingent set or edited, by whom and why."""

    __tablename__ = "contingent_change"

    id: int | None = Field(default=None, primary_key=True)
    year: int
    care_provider_id: int = Field(foreign_key="organisation.id")
    old_value: int | None = None
    new_value: int
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    reason: str = Field(default="", max_length=500)
    at: datetime = _timestamp()


# --- workflow objects ------------------------------------------------------------------------

_dwelling_version = _version_column()


class Dwelling(SQLModel, table=True):
    __tablename__ = "dwelling"

    id: int | None = Field(default=None, primary_key=True)
    corporation_id: int = Field(foreign_key="organisation.id", index=True)
    address: str = Field(max_length=200)
    postcode: str = Field(max_length=7)
    wijk: str = Field(foreign_key="district.name", max_length=60)
    complex_code: str | None = Field(default=None, max_length=40)
    rooms: int
    floor_area_m2: int
    rent: Decimal = Field(sa_column=Column(Numeric(8, 2), nullable=False))
    floor: int = 0
    has_lift: bool = False
    accessible: bool = False
    senior_label: bool = False
    designation: str = Field(max_length=10)  # uitstroom or instroom
    lease_type: str = Field(max_length=10)  # direct, flip, campus
    # False: a room with shared facilities (onzelfstandig), which gets no housing benefit.
    self_contained: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    # The SSH student complex the dwelling belongs to, for its 15% special-group cap.
    student_complex: str | None = Field(default=None, max_length=40, index=True)
    available_from: date
    state: str = Field(default="draft", max_length=20, index=True)
    version: int = Field(default=1, sa_column=_dwelling_version)
    quarter: str | None = Field(default=None, max_length=6, index=True)  # e.g. 2019Q3
    submitted_at: datetime | None = _timestamp(nullable=True)
    matched_client_id: int | None = Field(default=None, foreign_key="client.id")
    created_at: datetime = _timestamp()

    __mapper_args__ = {"version_id_col": _dwelling_version}
    __table_args__ = (
        # A client is matched to at most one dwelling, whatever the application does.
        _partial_index("uq_dwelling_matched_client", "matched_client_id", unique=True,
                       where="matched_client_id IS NOT NULL"),
    )


class DwellingEarmark(SQLModel, table=True):
    """A care provider for whose clients a (new-build) dwelling is reserved."""

    __tablename__ = "dwelling_earmark"

    dwelling_id: int = Field(foreign_key="dwelling.id", primary_key=True)
    care_provider_id: int = Field(foreign_key="organisation.id", primary_key=True)


_client_version = _version_column()


# What the engine's rules and ranking read of a waiting client (engine/pool.py, ranking.py).
ENGINE_READS = ("id", "care_provider_id", "target_group", "phase", "flip_lease_ok", "adults",
                "children", "birth_year", "annual_income", "needs", "excluded_wijken")


class Client(SQLModel, table=True):
    """A referral: the care provider's pseudonymous reference and what matching needs."""

    __tablename__ = "client"

    id: int | None = Field(default=None, primary_key=True)
    care_provider_id: int = Field(foreign_key="organisation.id", index=True)
    reference: str = Field(max_length=40)
    target_group: str = Field(foreign_key="target_group.code", max_length=40)
    adults: int = 1
    children: int = 0
    # Empty (None) only once retention has erased them (matching/services/retention.py).
    birth_year: int | None = None
    annual_income: int | None = None
    needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    excluded_wijken: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    preferred_wijken: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    flip_lease_ok: bool = False
    support_confirmed: bool = False
    phase: str = Field(default="uitstroom", max_length=10)  # instroom or uitstroom
    registered_on: date
    waiting_since: date | None = None
    # A stay in a corporation hotel (target group corporatiehotel): the day it began and the
    # hotel, `single` or `family` (at most three persons); empty for every other client.
    hotel_stay_since: date | None = None
    hotel_kind: str | None = Field(default=None, max_length=10)
    # The municipality the client comes from: Utrecht or a U16 municipality (districts of
    # kind u16); empty for clients registered before it was asked.
    origin_municipality: str | None = Field(default=None, max_length=60)
    # Target group citydeal: the day the Citydeal-overleg nominated the client (voorgedragen);
    # empty for every other client and for a citydeal client not (yet) nominated.
    citydeal_nominated_on: date | None = None
    state: str = Field(default="registered", max_length=20, index=True)
    version: int = Field(default=1, sa_column=_client_version)
    created_at: datetime = _timestamp()
    # When retention erased the personal fields of a client who left the process.
    erased_at: datetime | None = _timestamp(nullable=True)

    __mapper_args__ = {"version_id_col": _client_version}
    __table_args__ = (
        UniqueConstraint("care_provider_id", "reference"),
        # Approval starts the wait; every state after it keeps the date (the engine relies on
        # it to walk the longest waiting clients first).
        CheckConstraint(
            "state IN ('registered', 'withdrawn') OR waiting_since IS NOT NULL",
            name="ck_client_waiting_has_start",
        ),
        # Covers the engine's per-group waiting figures without reading the table.
        Index("ix_client_state_group_wait", "state", "target_group", "waiting_since"),
        # Lets the engine read the longest waiting clients by a range of waiting starts (see
        # engine/suggest.py). On PostgreSQL it carries everything the rules and the ranking
        # read, so that read never visits the table (an index-only scan).
        Index("ix_client_state_waiting_since", "state", "waiting_since",
              postgresql_include=list(ENGINE_READS)),
    )


_proposal_version = _version_column()


class Proposal(SQLModel, table=True):
    """A round of candidates proposed for one dwelling."""

    __tablename__ = "proposal"

    id: int | None = Field(default=None, primary_key=True)
    dwelling_id: int = Field(foreign_key="dwelling.id", index=True)
    round_no: int
    state: str = Field(default="open", max_length=20, index=True)
    version: int = Field(default=1, sa_column=_proposal_version)
    policy_version: str = Field(default="manual", max_length=40)
    motivation: str | None = Field(default=None, max_length=2000)
    deviates: bool = False
    opened_at: datetime = _timestamp()
    deadline: date | None = None
    # The deadline the agency replaced when it extended the round's (allowed once).
    original_deadline: date | None = None
    closed_at: datetime | None = _timestamp(nullable=True)
    proposed_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")

    __mapper_args__ = {"version_id_col": _proposal_version}
    __table_args__ = (
        UniqueConstraint("dwelling_id", "round_no"),
        # The rounds opened in a period: the matching section of the reports.
        Index("ix_proposal_opened_at", "opened_at"),
        # One open round per dwelling.
        _partial_index("uq_proposal_open_per_dwelling", "dwelling_id", unique=True,
                       where="state IN ('open', 'overdue')"),
    )


_candidate_version = _version_column()


class Candidate(SQLModel, table=True):
    """One client proposed in a round, with the corporation's decision."""

    __tablename__ = "candidate"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    dwelling_id: int = Field(foreign_key="dwelling.id", index=True)
    position: int
    score: float | None = None
    explanation: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    state: str = Field(default="pending", max_length=20)
    version: int = Field(default=1, sa_column=_candidate_version)
    reason_code: str | None = Field(default=None, foreign_key="reason_code.code")
    motivation: str | None = Field(default=None, max_length=2000)
    decided_at: datetime | None = _timestamp(nullable=True)
    decided_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")

    __mapper_args__ = {"version_id_col": _candidate_version}
    __table_args__ = (
        UniqueConstraint("proposal_id", "client_id"),
        # A client is on at most one open round.
        _partial_index("uq_candidate_pending_client", "client_id", unique=True,
                       where="state = 'pending'"),
        # One accepted candidate per round.
        _partial_index("uq_candidate_accepted_per_round", "proposal_id", unique=True,
                       where="state = 'accepted'"),
    )


_lease_version = _version_column()


class Lease(SQLModel, table=True):
    """A lease: direct, flip (care provider is tenant until the transfer) or campus."""

    __tablename__ = "lease"

    id: int | None = Field(default=None, primary_key=True)
    # Institution dwellings are registered as flip leases without a matching history.
    dwelling_id: int | None = Field(default=None, foreign_key="dwelling.id", unique=True)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    corporation_id: int = Field(foreign_key="organisation.id", index=True)
    tenant_care_provider_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True
    )
    care_provider_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    lease_type: str = Field(max_length=10)
    is_institution: bool = False
    address: str | None = Field(default=None, max_length=200)
    # The district of an institution dwelling (it has no dwelling row); empty otherwise.
    wijk: str | None = Field(default=None, foreign_key="district.name", max_length=60)
    start_on: date
    review_on: date | None = None
    end_on: date | None = None
    transferred_on: date | None = None
    ended_on: date | None = None
    state: str = Field(default="active", max_length=20, index=True)
    version: int = Field(default=1, sa_column=_lease_version)
    created_at: datetime = _timestamp()

    __mapper_args__ = {"version_id_col": _lease_version}


# --- event history: one table per workflow, one row per transition ----------------------------


class _EventBase(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    trigger: str = Field(max_length=40)
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str = Field(max_length=20)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)


def _history_index(table: str, key: str) -> Index:
    """A row's events by moment, with their id and state: the reports rebuild a row's state
    as of a day (matching/history.py) from this index alone, without reading the table. It
    also serves every lookup of a row's events (its first column is the row's id), so the
    event tables have no index on that column alone: PostgreSQL would prefer the smaller
    one and read the table as well."""
    return Index(f"ix_{table}_history", key, "at", "id", "to_state")


def _moment_index(table: str) -> Index:
    """The events by moment alone: a report as of today asks for the latest one (its end of
    this index) to know whether the rows' own states can stand for the history's
    (matching.history.states_then)."""
    return Index(f"ix_{table}_at", "at")


class DwellingEvent(_EventBase, table=True):
    __tablename__ = "dwelling_event"
    dwelling_id: int = Field(foreign_key="dwelling.id")  # first in its history index

    __table_args__ = (
        _history_index("dwelling_event", "dwelling_id"),
        _moment_index("dwelling_event"),
        # The dwellings let (or matched) in a period: speed and spreading of the reports.
        Index("ix_dwelling_event_state_at", "to_state", "at"),
    )


class ClientEvent(_EventBase, table=True):
    __tablename__ = "client_event"
    client_id: int = Field(foreign_key="client.id")  # first in its history index

    __table_args__ = (
        _history_index("client_event", "client_id"),
        _moment_index("client_event"),
        # The clients housed in a period: the statushouder half-year.
        Index("ix_client_event_state_at", "to_state", "at"),
    )


class ProposalEvent(_EventBase, table=True):
    __tablename__ = "proposal_event"
    proposal_id: int = Field(foreign_key="proposal.id")  # first in its history index

    __table_args__ = (
        _history_index("proposal_event", "proposal_id"),
        _moment_index("proposal_event"),
    )


class CandidateEvent(_EventBase, table=True):
    __tablename__ = "candidate_event"
    candidate_id: int = Field(foreign_key="candidate.id")  # first in its history index

    __table_args__ = (
        _history_index("candidate_event", "candidate_id"),
        _moment_index("candidate_event"),
    )


class LeaseEvent(_EventBase, table=True):
    __tablename__ = "lease_event"
    lease_id: int = Field(foreign_key="lease.id")  # first in its history index

    __table_args__ = (_history_index("lease_event", "lease_id"), _moment_index("lease_event"))


class AccessLog(SQLModel, table=True):
    """Every access to a client record as NEN 7513 asks: when (UTC), who (user, role,
    organisation), what (action, fields touched), why (purpose), from where (access point,
    request id). Append-only and hash-chained (matching/audit): `seq` numbers the rows
    without gaps, `prev_hash` is the hash of the row before, `row_hash` this row's own."""

    __tablename__ = "access_log"

    id: int | None = Field(default=None, primary_key=True)
    seq: int
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    role: str = Field(default="", max_length=20)  # empty: the system or an operator
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    action: str = Field(max_length=10)  # read, search, export, create, change, delete
    purpose: str = Field(max_length=200)
    access_point: str = Field(max_length=200)  # "web GET /clienten/7", "api ...", "cli ..."
    # No foreign key: the log outlives what it records, and appending behind the chain's
    # lock must never wait for a row lock on the client (matching/audit/record.py).
    client_id: int = Field(index=True)
    fields_touched: str = Field(default="", max_length=1000)  # names, comma-separated
    request_id: str | None = Field(default=None, max_length=64)
    prev_hash: str = Field(max_length=64)
    row_hash: str = Field(max_length=64)

    __table_args__ = (Index("uq_access_log_seq", "seq", unique=True),)


# PostgreSQL refuses to change or remove a row of the access log, whoever asks (migration
# 0010 installs the same on a migrated database).
for _statement in (
    """CREATE OR REPLACE FUNCTION access_log_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'the access log is append-only: ' || TG_OP || ' refused';
    END;
    $$""",
    """CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()""",
    """CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()""",
):
    event.listen(SQLModel.metadata.tables["access_log"], "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))


# --- notifications and the e-mail outbox ---------------------------------------------------------


class Notice(SQLModel, table=True):
    """Something that happened that an organisation must hear of, recorded once per cause.

    `key` names the cause (`round_reminder:proposal:17`, or with the date it concerns), so
    the database refuses a second notice for it however many ticks run at once. `params` holds
    what the message names (an address, a date, an organisation), never a client's field."""

    __tablename__ = "notice"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)
    kind: str = Field(max_length=40)
    subject_type: str = Field(max_length=20)  # dwelling, proposal, client, lease, quarter
    subject_id: int
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = _timestamp()


class Notification(SQLModel, table=True):
    """A notice in one user's list, unread until the user reads it."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    read_at: datetime | None = _timestamp(nullable=True)

    __table_args__ = (
        UniqueConstraint("notice_id", "user_id"),
        # The bell counts a user's unread notifications on every page.
        Index("ix_notification_user_read", "user_id", "read_at"),
    )


class NotificationPreference(SQLModel, table=True):
    """How a user wants e-mail for one kind of notification; no row means immediately."""

    __tablename__ = "notification_preference"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    kind: str = Field(max_length=40, primary_key=True)
    delivery: str = Field(max_length=10)  # immediate, digest or none


class OutboxMail(SQLModel, table=True):
    """The e-mail about one notification: written with it, delivered by `outbox send`.

    It is due at `due_at` (at once, or the next 08:00 in Utrecht for a daily digest, or the
    retry time after a failure). A sender claims it until `claimed_until`, so two senders never
    deliver it both; once `sent_at` is set it is never sent again."""

    __tablename__ = "outbox_mail"

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notification.id", unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    digest: bool = False
    created_at: datetime = _timestamp()
    due_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    claimed_by: str | None = Field(default=None, max_length=32)
    claimed_until: datetime | None = _timestamp(nullable=True)
    sent_at: datetime | None = _timestamp(nullable=True)
    message_id: str | None = Field(default=None, max_length=200)
    dropped_at: datetime | None = _timestamp(nullable=True)
    drop_reason: str | None = Field(default=None, max_length=200)

    __table_args__ = (
        _partial_index("ix_outbox_mail_pending", "due_at",
                       where="sent_at IS NULL AND dropped_at IS NULL"),
    )


# --- sign-in sessions, sign-in attempts, idempotent API requests -------------------------------


class UserSession(SQLModel, table=True):
    """A signed-in browser session; the cookie holds only its random id, so sign-out, a
    password change or deactivation ends it on the server, whatever the browser keeps."""

    __tablename__ = "user_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = _timestamp()
    last_seen_at: datetime = _timestamp()
    ended_at: datetime | None = _timestamp(nullable=True)


class LoginAttempt(SQLModel, table=True):
    """A failed sign-in: when, for which e-mail address and from which network address."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    email: str = Field(max_length=254, index=True)
    remote_addr: str = Field(max_length=64, index=True)


class SignInThrottle(SQLModel, table=True):
    """The recent sign-in attempts of one e-mail address or one network address, and the
    moment before which the next one waits; every attempt claims its count here in one
    UPDATE before a password is checked (matching/services/throttle.py)."""

    __tablename__ = "sign_in_throttle"

    kind: str = Field(primary_key=True, max_length=16)  # "email" or "address"
    value: str = Field(primary_key=True, max_length=254)
    attempts: int = 0
    last_attempt_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    not_before: datetime | None = _timestamp(nullable=True)


class IdempotentRequest(SQLModel, table=True):
    """The first answer to a POST sent with an Idempotency-Key, replayed for a repeat."""

    __tablename__ = "idempotent_request"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    key: str = Field(max_length=200)
    method: str = Field(max_length=10)
    path: str = Field(max_length=300)
    body_hash: str = Field(max_length=64)
    status_code: int
    response_body: str
    # The clients the stored answer shows: a replay shows them again, so it is logged again.
    client_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _timestamp()

    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        # `tick` deletes the answers older than a day (matching/services/expiry.py).
        Index("ix_idempotent_request_created_at", "created_at"),
    )


# --- requests between organisations ------------------------------------------------------------


class LeaseTransferRequest(SQLModel, table=True):
    """A tenant care provider's request to the landlord to transfer (omklap) a flip lease.

    It asks, it does not act: the lease's state changes only when the landlord or the agency
    transfers it. A request is open while its lease can still be transferred."""

    __tablename__ = "lease_transfer_request"

    id: int | None = Field(default=None, primary_key=True)
    lease_id: int = Field(foreign_key="lease.id", index=True)
    care_provider_id: int = Field(foreign_key="organisation.id")
    requested_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    wished_on: date
    note: str = Field(default="", max_length=1000)
    created_at: datetime = _timestamp()


# --- closed quarters ------------------------------------------------------------------------


class ClosedQuarter(SQLModel, table=True):
    """A quarter whose report the agency has closed (vastgesteld): from then on the report
    is served from these snapshots, one per reader scope (`all`, `suppressed` for the
    municipality, `corporation:<id>` for each corporation), and never changes again."""

    __tablename__ = "closed_quarter"
    quarter: str = Field(primary_key=True, max_length=6)  # e.g. 2019Q3
    closed_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    closed_by_user_id: int = Field(foreign_key="app_user.id")
    snapshots: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    # The last late change (LateChange.id) recorded when it was closed: a later one that
    # reaches back into the quarter has its figures recomputed for the corrections.
    late_changes_seen: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LateChange(SQLModel, table=True):
    """A flush whose changes reach back before today (matching/late_changes.py): history
    recorded with an earlier date, a lease with a past start, an edit of a field or of
    reference data the reports read. The reports recompute a closed quarter for its
    corrections only when such a change reached back into it after it was closed."""

    __tablename__ = "late_change"
    id: int | None = Field(default=None, primary_key=True)
    recorded_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
    # The earliest day the change can alter a figure of; null: any day (reference data).
    reaches_back_to: date | None = None
    tables: str = Field(max_length=300)  # which tables the flush changed, for a reader


# --- the waiting pool's profile (matching/engine/profile.py) ------------------------------------


class PoolProfileBasis(SQLModel, table=True):
    """The year and limits the profile was classified under (one row).

    The engine counts from the profile only while these are the year and limits it ranks
    for; otherwise it scans the clients (matching/engine/profile.py)."""

    __tablename__ = "pool_profile_basis"
    id: int = Field(default=1, primary_key=True)
    year: int
    income_limit_single: int
    income_limit_multi: int
    youth_min_age: int
    youth_age: int
    senior_age: int
    built_at: datetime = _timestamp()


class PoolProfile(SQLModel, table=True):
    """How many waiting clients share each combination of what the hard rules read.

    Kept up to date by every commit that changes a client, in the same transaction, so the
    engine counts exclusions over a few thousand profiles instead of every waiting client.
    The care provider (the earmark rule) and a client's own rejections are not in the key:
    the engine counts those few from the clients themselves."""

    __tablename__ = "pool_profile"
    __table_args__ = (
        UniqueConstraint("phase", "flip_lease_ok", "persons", "birth_year",
                         "below_income_limit", "needs_mask", "excluded_wijken",
                         name="uq_pool_profile_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    phase: str = Field(max_length=10)
    flip_lease_ok: bool
    persons: int
    birth_year: int  # that of the client's age class (Basis.class_birth_year)
    below_income_limit: bool
    needs_mask: int  # matching/engine/profile.NEED_BITS
    excluded_wijken: str = Field(max_length=2000)  # sorted JSON list of district names
    clients: int


class PoolGroupTotal(SQLModel, table=True):
    """Per target group: the waiting clients and the sum of their waiting start days (as
    ordinals), so the ranking's average wait per group needs no scan of the pool."""

    __tablename__ = "pool_group_total"
    target_group: str = Field(primary_key=True, max_length=40)
    clients: int
    since_ordinal_sum: int = Field(sa_type=BigInteger)


# --- figures computed for the report pages ---------------------------------------------------


class RecentFigures(SQLModel, table=True):
    """A report's figures as one page view computed them, served to the next views of the
    same report and reader scope for a short while instead of computing them again
    (matching/services/recent_figures.py). Shared by every application process, so all show
    the same moment's figures; the JSON API never reads it."""

    __tablename__ = "recent_figures"
    key: str = Field(primary_key=True, max_length=120)  # report, period, role and scope
    computed_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
    figures: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
