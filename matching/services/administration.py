"""Administration: organisations, reason codes and year parameters; administrators only.

Problems are reported with the constant messages below, so the web layer can put a sentence
in the user's language at the right field without parsing English.
"""

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from matching.access import require_role
from matching.models import Organisation, ReasonCode, User, YearParameter
from matching.services.errors import NotFound, ValidationFailed
from matching.services.parameter_values import PARAMETER_TYPES, check_value
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import OrganisationKind, Role

REQUIRED = "required"
TOO_LONG = "too long"
# PostgreSQL's text cannot hold a NUL character; refusing it here keeps it from a 500.
NUL_CHARACTER = "must not contain NUL characters"
NAME_TAKEN = "an organisation with this name exists already"
UNKNOWN_KIND = "unknown kind"
HAS_ACTIVE_USERS = "the organisation still has active users"
CODE_FORMAT = "use lowercase letters, digits and underscores, starting with a letter"
CODE_TAKEN = "a reason code with this code exists already"
UNKNOWN_VERA = "not a VERA status for a refusal or withdrawal"
UNKNOWN_PARAMETER = "unknown parameter"
YEAR_RANGE = "year out of range"

KINDS = tuple(kind.value for kind in OrganisationKind)
REASON_KINDS = ("landlord", "candidate")
# VERA's offer statuses that say why an offer ended: refused by the candidate, withdrawn by
# the landlord. Codes VERA lacks (liveability, support at the location) have no mapping.
VERA_STATUSES = ("geweigerd", "ingetrokken")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _text(value: str | None, field: str, limit: int, problems: dict[str, str]) -> str:
    text = (value or "").strip()
    if not text:
        problems[field] = REQUIRED
    elif len(text) > limit:
        problems[field] = TOO_LONG
    elif "\x00" in text:
        problems[field] = NUL_CHARACTER
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
            number = check_value(name, value)
        except ValueError as error:
            problems["value"] = str(error)
    note = (source or "").strip()
    if len(note) > 300:
        problems["source"] = TOO_LONG
    elif "\x00" in note:
        problems["source"] = NUL_CHARACTER
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
    # No value is ever set outside these years or under such a name, and the database would
    # refuse the year's number or the NUL character with an error instead of finding nothing.
    outside = not FIRST_YEAR <= year <= LAST_YEAR or "\x00" in name
    row = None if outside else session.get(YearParameter, (year, name))
    if row is None:
        raise NotFound(f"no value of {name} set for {year}")
    session.delete(row)
    commit(session)

