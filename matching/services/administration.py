"""Administration: organisations, reason codes and year parameters; administrators only.

Problems are reported with the constant messages below, so the web layer can put a sentence
in the user's language at the right field without parsing English.
"""

import re
from dataclasses import fields
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from matching.models import Organisation, ReasonCode, User, YearParameter
from matching.parameters import YearParameters
from matching.services.access import require_role
from matching.services.errors import NotFound, ValidationFailed
from matching.services.unit_of_work import commit, get_or_404, service
from matching.workflow.states import OrganisationKind, Role

REQUIRED = "required"
TOO_LONG = "too long"
NAME_TAKEN = "an organisation with this name exists already"
UNKNOWN_KIND = "unknown kind"
HAS_ACTIVE_USERS = "the organisation still has active users"
CODE_FORMAT = "use lowercase letters, digits and underscores, starting with a letter"
CODE_TAKEN = "a reason code with this code exists already"
UNKNOWN_VERA = "not a VERA status for a refusal or withdrawal"
UNKNOWN_PARAMETER = "unknown parameter"
NOT_A_NUMBER = "not a number"
NOT_WHOLE = "must be a whole number"
NEGATIVE = "must not be negative"
TOO_LARGE = "too large"
TOO_PRECISE = "at most four decimals"
ABOVE_100 = "a percentage is at most 100"
BELOW_ONE = "must be at least 1"
YEAR_RANGE = "year out of range"

KINDS = tuple(kind.value for kind in OrganisationKind)
REASON_KINDS = ("landlord", "candidate")
# VERA's offer statuses that say why an offer ended: refused by the candidate, withdrawn by
# the landlord. Codes VERA lacks (liveability, support at the location) have no mapping.
VERA_STATUSES = ("geweigerd", "ingetrokken")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
FIRST_YEAR, LAST_YEAR = 2000, 2100

# The parameter names the resolver knows, with whether they are whole numbers.
PARAMETER_TYPES: dict[str, bool] = {
    f.name: f.type in (int, "int")
    for f in fields(YearParameters)
    if f.name not in ("year", "supplied_by")
}
# A value of zero would stop the workflow: a round without candidates, a deadline today.
_AT_LEAST_ONE = {
    "candidates_per_round", "persons_per_room_max", "min_floor_area_per_person_m2",
    "decision_working_days", "offer_answer_working_days", "release_working_days",
    "flip_review_months", "campus_max_years",
}


def _text(value: str | None, field: str, limit: int, problems: dict[str, str]) -> str:
    text = (value or "").strip()
    if not text:
        problems[field] = REQUIRED
    elif len(text) > limit:
        problems[field] = TOO_LONG
    return text


# --- organisations ---------------------------------------------------------------------------


def _name_taken(session: Session, name: str, *, except_id: int | None = None) -> bool:
    # Names differing only in case would read as the same organisation in every list.
    statement = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if except_id is not None:
        statement = statement.where(Organisation.id != except_id)
    return session.exec(statement).first() is not None


@service
def create_organisation(session: Session, *, name: str, kind: str, actor: Any) -> Organisation:
    """Create an active organisation with a unique name and a known kind."""
    require_role(actor, Role.ADMIN)
    problems: dict[str, str] = {}
    name = _text(name, "name", 120, problems)
    if "name" not in problems and _name_taken(session, name):
        problems["name"] = NAME_TAKEN
    if kind not in KINDS:
        problems["kind"] = UNKNOWN_KIND
    if problems:
        raise ValidationFailed(problems)
    organisation = Organisation(name=name, kind=kind)
    session.add(organisation)
    commit(session)
    return organisation


@service
def rename_organisation(
    session: Session, *, organisation_id: int, name: str, actor: Any
) -> Organisation:
    """Give an organisation a new unique name; its users and objects stay with it."""
    require_role(actor, Role.ADMIN)
    organisation = get_or_404(session, Organisation, organisation_id)
    problems: dict[str, str] = {}
    name = _text(name, "name", 120, problems)
    if "name" not in problems and _name_taken(session, name, except_id=organisation_id):
        problems["name"] = NAME_TAKEN
    if problems:
        raise ValidationFailed(problems)
    organisation.name = name
    commit(session)
    return organisation


def active_users_of(session: Session, organisation_id: int) -> int:
    """How many active users an organisation has."""
    return session.exec(
        select(func.count()).select_from(User).where(
            User.organisation_id == organisation_id, col(User.active).is_(True)
        )
    ).one()


@service
def set_organisation_active(
    session: Session, *, organisation_id: int, active: bool, actor: Any
) -> Organisation:
    """Deactivate an organisation without active users, or reactivate one."""
    require_role(actor, Role.ADMIN)
    organisation = get_or_404(session, Organisation, organisation_id)
    # Users are deactivated one by one (which ends their sessions and tokens), so nobody
    # keeps working for an organisation that no longer takes part by accident.
    if not active and active_users_of(session, organisation_id):
        raise ValidationFailed({"active": HAS_ACTIVE_USERS})
    organisation.active = active
    commit(session)
    return organisation


# --- reason codes ----------------------------------------------------------------------------


def _vera(value: str | None, problems: dict[str, str]) -> str | None:
    status = (value or "").strip() or None
    if status is not None and status not in VERA_STATUSES:
        problems["vera_status"] = UNKNOWN_VERA
    return status


@service
def create_reason_code(
    session: Session, *, code: str, kind: str, label_nl: str, label_en: str,
    needs_motivation: bool, vera_status: str | None = None, actor: Any,
) -> ReasonCode:
    """Add an active reason code for a landlord's or a candidate's refusal."""
    require_role(actor, Role.ADMIN)
    problems: dict[str, str] = {}
    code = _text(code, "code", 60, problems)
    if "code" not in problems:
        if not _CODE.match(code):
            problems["code"] = CODE_FORMAT
        elif session.get(ReasonCode, code) is not None:
            problems["code"] = CODE_TAKEN
    if kind not in REASON_KINDS:
        problems["kind"] = UNKNOWN_KIND
    label_nl = _text(label_nl, "label_nl", 200, problems)
    label_en = _text(label_en, "label_en", 200, problems)
    status = _vera(vera_status, problems)
    if problems:
        raise ValidationFailed(problems)
    reason = ReasonCode(
        code=code, kind=kind, label_nl=label_nl, label_en=label_en,
        needs_motivation=needs_motivation, vera_status=status,
    )
    session.add(reason)
    commit(session)
    return reason


@service
def update_reason_code(
    session: Session, *, code: str, label_nl: str, label_en: str, needs_motivation: bool,
    vera_status: str | None = None, actor: Any,
) -> ReasonCode:
    """Change a reason code's labels, motivation rule and VERA mapping; never its code or kind,
    which past decisions refer to."""
    require_role(actor, Role.ADMIN)
    reason = get_or_404(session, ReasonCode, code)
    problems: dict[str, str] = {}
    label_nl = _text(label_nl, "label_nl", 200, problems)
    label_en = _text(label_en, "label_en", 200, problems)
    status = _vera(vera_status, problems)
    if problems:
        raise ValidationFailed(problems)
    reason.label_nl, reason.label_en = label_nl, label_en
    reason.needs_motivation = needs_motivation
    reason.vera_status = status
    commit(session)
    return reason


@service
def set_reason_code_active(
    session: Session, *, code: str, active: bool, actor: Any
) -> ReasonCode:
    """Withdraw a reason code from new decisions, or offer it again; history keeps it."""
    require_role(actor, Role.ADMIN)
    reason = get_or_404(session, ReasonCode, code)
    reason.active = active
    commit(session)
    return reason


# --- year parameters -------------------------------------------------------------------------

_DUTCH = re.compile(r"^\d{1,3}(\.\d{3})*(,\d+)?$|^\d+(,\d+)?$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


def parse_number(text: str) -> Decimal:
    """Read a non-negative number written the Dutch way (`1.234,56`, `597,30`) or with a
    decimal point (`597.30`, as in the seeds); raise ValueError otherwise. With a comma the
    dots are thousands separators; without one a dot is the decimal point."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value.startswith("-"):
        raise ValueError(NEGATIVE)
    if "," in value and _DUTCH.match(value):
        value = value.replace(".", "").replace(",", ".")
    elif not _PLAIN.match(value):
        raise ValueError(NOT_A_NUMBER)
    try:
        return Decimal(value)
    except InvalidOperation as error:
        raise ValueError(NOT_A_NUMBER) from error


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def _check_value(name: str, raw: str | Decimal | int) -> Decimal:
    if isinstance(raw, str):
        # `2.400` for a whole number can only mean two thousand four hundred.
        if PARAMETER_TYPES[name] and _THOUSANDS.match(raw.strip()):
            raw = raw.replace(".", "")
        value = parse_number(raw)
    else:
        value = Decimal(raw)
        if value < 0:
            raise ValueError(NEGATIVE)
    if value >= Decimal("1e10"):  # the column is NUMERIC(14, 4)
        raise ValueError(TOO_LARGE)
    if value != value.quantize(Decimal("0.0001")):
        raise ValueError(TOO_PRECISE)
    if PARAMETER_TYPES[name] and value != value.to_integral_value():
        raise ValueError(NOT_WHOLE)
    if name.endswith("_pct") and value > 100:
        raise ValueError(ABOVE_100)
    if name in _AT_LEAST_ONE and value < 1:
        raise ValueError(BELOW_ONE)
    return value


@service
def set_year_parameter(
    session: Session, *, year: int, name: str, value: str | Decimal | int, actor: Any,
    source: str = "",
) -> YearParameter:
    """Set a parameter's value from `year` on (until a later year names it again)."""
    require_role(actor, Role.ADMIN)
    problems: dict[str, str] = {}
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems["year"] = YEAR_RANGE
    number = Decimal(0)
    if name not in PARAMETER_TYPES:
        problems["name"] = UNKNOWN_PARAMETER
    else:
        try:
            number = _check_value(name, value)
        except ValueError as error:
            problems["value"] = str(error)
    note = (source or "").strip()
    if len(note) > 300:
        problems["source"] = TOO_LONG
    if problems:
        raise ValidationFailed(problems)
    note = note or f"set by {actor.email}"
    row = session.get(YearParameter, (year, name))
    if row is None:
        row = YearParameter(year=year, name=name, value=number, source=note)
        session.add(row)
    else:
        row.value, row.source = number, note
    # A value an administrator sets is a decision, no longer a modelling assumption.
    row.is_assumption = False
    commit(session)
    return row


@service
def remove_year_parameter(session: Session, *, year: int, name: str, actor: Any) -> None:
    """Drop the value a year names itself, so the earlier year's value carries on."""
    require_role(actor, Role.ADMIN)
    row = session.get(YearParameter, (year, name))
    if row is None:
        raise NotFound(f"no value of {name} set for {year}")
    session.delete(row)
    commit(session)
