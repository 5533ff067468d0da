"""The agency's steering inputs of a statushouder half-year (domain brief s3.11, scenario 9):
the extra (voluntary) target the province asked for (2022-II: 133, Utrecht's share of the
national drive), the persons administratively housed (linked to a dwelling, not yet counted
by COA, shown apart from the realisation), and the acceleration plans (a campaign: persons
over weeks from a start date; 2022-II: the VRU's 276 = 46 a week for 6 weeks and the
municipality's 490 from 1 August). One entry replaces the half-year's inputs and its plans
together, in one transaction; the report (reports/statushouders.py) reads them."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, delete

from matching.access import require_role
from matching.models import StatushouderAcceleration, StatushouderSteering, StatushouderTask
from matching.quarters import parse_half
from matching.services.errors import NotFound, ValidationFailed
from matching.services.steering import _text, _whole
from matching.services.unit_of_work import commit, service
from matching.vocabulary import Role, utcnow

MAX_PERSONS = 100_000  # Utrecht's half-year task is a few hundred persons
MAX_WEEKS = 26  # a plan runs within about a half-year
MAX_PLANS = 10


def _count(value: Any, name: str, problems: dict[str, str], *, optional: bool,
           low: int = 0, high: int = MAX_PERSONS) -> int | None:
    if value is None and optional:
        return None
    if not _whole(value) or not low <= value <= high:
        problems[name] = f"must be a whole number from {low} to {high}"
        return None
    return int(value)


def _day(value: Any, name: str, problems: dict[str, str]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        pass
    problems[name] = "must be a date like 2022-08-01"
    return None


def _plans(plans: Any, problems: dict[str, str]) -> list[tuple[str, int, int, date]]:
    if plans is None:
        return []
    if not isinstance(plans, list) or len(plans) > MAX_PLANS:
        problems["accelerations"] = f"must be a list of at most {MAX_PLANS} plans"
        return []
    checked: list[tuple[str, int, int, date]] = []
    names: set[str] = set()
    for number, plan in enumerate(plans):
        where = f"accelerations.{number}"
        if not isinstance(plan, dict):
            problems[where] = "must be an object with name, persons, weeks and starts_on"
            continue
        name = _text(plan.get("name"), f"{where}.name", 200, problems)
        if name.casefold() in names:
            problems[f"{where}.name"] = "is given twice"
        names.add(name.casefold())
        persons = _count(plan.get("persons"), f"{where}.persons", problems, optional=False,
                         low=1)
        weeks = _count(plan.get("weeks"), f"{where}.weeks", problems, optional=False,
                       low=1, high=MAX_WEEKS)
        starts = _day(plan.get("starts_on"), f"{where}.starts_on", problems)
        if persons is not None and weeks is not None and starts is not None:
            checked.append((name, persons, weeks, starts))
    return checked


@service
def set_statushouder_inputs(
    session: Session, *, half: str, extra_target: int | None,
    administratively_housed: int | None, accelerations: list[dict[str, Any]] | None,
    source: str, actor: Any, now: datetime | None = None,
) -> StatushouderSteering:
    """Set a half-year's extra target, administratively housed count and acceleration plans
    (replacing the earlier entry and all its plans); null: not known."""
    require_role(actor, Role.MATCHER, Role.ADMIN)
    problems: dict[str, str] = {}
    try:
        code = str(parse_half(half))
    except (ValueError, AttributeError) as error:
        problems["half"] = str(error)
    extra = _count(extra_target, "extra_target", problems, optional=True)
    linked = _count(administratively_housed, "administratively_housed", problems,
                    optional=True)
    plans = _plans(accelerations, problems)
    text = _text(source, "source", 300, problems)
    if problems:
        raise ValidationFailed(problems)
    if session.get(StatushouderTask, code) is None:
        raise NotFound(f"half-year {code} has no statushouder task")
    moment = now or utcnow()
    row = session.get(StatushouderSteering, code) or StatushouderSteering(half_year=code,
                                                                          source="")
    row.extra_target, row.administratively_housed, row.source = extra, linked, text
    row.set_by_user_id, row.set_at = actor.id, moment
    session.add(row)
    session.exec(delete(StatushouderAcceleration).where(
        col(StatushouderAcceleration.half_year) == code))
    for name, persons, weeks, starts in plans:
        session.add(StatushouderAcceleration(
            half_year=code, name=name, persons=persons, weeks=weeks, starts_on=starts,
            source=text, set_by_user_id=actor.id, set_at=moment))
    commit(session)
    return row
