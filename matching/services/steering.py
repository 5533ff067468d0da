"""Inputs to the steering figures: total lettings per quarter (the denominator of the 30%
rule) and the province's intervention-ladder rung for a statushouder half-year."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from matching.access import require_role
from matching.models import StatushouderRung, StatushouderTask, TotalLettingsQuarter
from matching.quarters import parse_half, parse_quarter
from matching.services.errors import NotFound, ValidationFailed
from matching.services.unit_of_work import commit, service
from matching.vocabulary import Role, utcnow

MAX_QUARTER_LETTINGS = 100_000  # Utrecht lets about 600 corporation dwellings a quarter
RUNGS = range(1, 7)  # the six treden of the Beleidskader IBT 2021-2024


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: Any, name: str, limit: int, problems: dict[str, str]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        problems[name] = "is required"
    elif len(text) > limit:
        problems[name] = f"at most {limit} characters"
    elif "\x00" in text:  # PostgreSQL's text cannot hold it: a field problem, not a 500
        problems[name] = "must not contain NUL characters"
    return text


def _checked_lettings(quarter: Any, total: Any, source: Any) -> tuple[str, int, str]:
    """A quarter's code, total and source as stored, or ValidationFailed naming each field."""
    problems: dict[str, str] = {}
    try:
        code = str(parse_quarter(quarter))
    except (ValueError, AttributeError) as error:
        problems["quarter"] = str(error)
    if not _whole(total) or not 1 <= total <= MAX_QUARTER_LETTINGS:
        problems["total"] = f"must be a whole number from 1 to {MAX_QUARTER_LETTINGS}"
    text = _text(source, "source", 300, problems)
    if problems:
        raise ValidationFailed(problems)
    return code, total, text


def _store_lettings(session: Session, code: str, total: int, text: str, actor: Any,
                    moment: datetime) -> TotalLettingsQuarter:
    row = session.get(TotalLettingsQuarter, code) or TotalLettingsQuarter(quarter=code, total=0)
    row.total, row.source = total, text
    row.set_by_user_id, row.set_at = actor.id, moment
    session.add(row)
    return row


@service
def set_total_lettings(
    session: Session, *, quarter: str, total: int, source: str, actor: Any,
    now: datetime | None = None,
) -> TotalLettingsQuarter:
    """Set the corporations' total new lettings of a quarter (replacing an earlier value)."""
    require_role(actor, Role.MATCHER, Role.ADMIN)
    code, total, text = _checked_lettings(quarter, total, source)
    row = _store_lettings(session, code, total, text, actor, now or utcnow())
    commit(session)
    return row


@service
def set_total_lettings_of_quarters(
    session: Session, *, entries: Mapping[str, tuple[Any, Any]], actor: Any,
    now: datetime | None = None,
) -> list[TotalLettingsQuarter]:
    """Set several quarters at once (the year form: quarter -> (total, source)): every one of
    them, or none when any is refused; a problem is named `<quarter>.<field>`."""
    require_role(actor, Role.MATCHER, Role.ADMIN)
    checked: dict[str, tuple[str, int, str]] = {}
    problems: dict[str, str] = {}
    for quarter, (total, source) in entries.items():
        try:
            code, whole, text = _checked_lettings(quarter, total, source)
        except ValidationFailed as error:
            problems.update({f"{quarter}.{name}": problem
                             for name, problem in error.fields.items()})
            continue
        if code in checked:
            problems[f"{quarter}.quarter"] = f"{code} is given twice"
        checked[code] = (code, whole, text)
    if problems:
        raise ValidationFailed(problems)
    moment = now or utcnow()
    rows = [_store_lettings(session, *entry, actor, moment) for entry in checked.values()]
    commit(session)
    return rows


@service
def set_statushouder_rung(
    session: Session, *, half: str, rung: int, note: str, actor: Any,
    now: datetime | None = None,
) -> StatushouderRung:
    """Record the rung the province set after a half-year, with a note saying why."""
    # The province decides (also de-escalation); the administrator records its decision.
    require_role(actor, Role.ADMIN)
    problems: dict[str, str] = {}
    try:
        code = str(parse_half(half))
    except (ValueError, AttributeError) as error:
        problems["half"] = str(error)
    if not _whole(rung) or rung not in RUNGS:
        problems["rung"] = "must be a whole number from 1 to 6"
    text = _text(note, "note", 1000, problems)
    if problems:
        raise ValidationFailed(problems)
    if session.get(StatushouderTask, code) is None:
        raise NotFound(f"half-year {code} has no statushouder task")
    row = session.get(StatushouderRung, code) or StatushouderRung(half_year=code, rung=0, note="")
    row.rung, row.note = rung, text
    row.set_by_user_id, row.set_at = actor.id, now or utcnow()
    session.add(row)
    commit(session)
    return row
