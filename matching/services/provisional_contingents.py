"""A new year never runs without contingents (product.md section 3).

On the first day of a year without contingents (`tick`, or the first read of the year's
contingents when no tick ran) the year's task is divided by the shares of the latest earlier
year that had contingents, by largest remainder, and written provisional: the contingent
manager confirms them (or divides the year anew, or edits a provider's row). The agency and
the contingent manager(s) are told once. Without an earlier year there are no shares to follow
and nothing is written: the contingent manager divides the first year by hand.

Race-safe: the contingent rows' primary key (year, provider) and the notice's unique key let
only one of two ticks at once write the year; the other finds the rows and does nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from matching import planning
from matching.access import require_role
from matching.models import Contingent, ContingentChange, Organisation, PolicyConfirmation, User
from matching.notifications.notify import agency_ids, notice_key, notify
from matching.parameters import year_parameters
from matching.services.errors import Conflict, PermissionDenied
from matching.services.retry import is_transient
from matching.services.unit_of_work import commit, service
from matching.vocabulary import OrganisationKind, Role, utcnow

CONTINGENTS = "contingents"
KIND = "contingents_provisional"


@dataclass(frozen=True)
class ProvisionalDivision:
    year: int
    base_year: int
    task: int
    shares: dict[int, int]  # care provider id -> dwellings


def _providers(session: Session) -> list[int]:
    return [i for i in session.exec(
        select(Organisation.id).where(Organisation.kind == OrganisationKind.CARE_PROVIDER)
        .order_by(col(Organisation.id))) if i is not None]


def provisional_division(session: Session, year: int) -> ProvisionalDivision | None:
    """The year's task divided by the shares of the latest earlier year with contingents,
    or None when there is no such year."""
    base_year = session.exec(
        select(func.max(Contingent.year)).where(Contingent.year < year)).one()
    if base_year is None:
        return None
    before = dict(session.exec(
        select(Contingent.care_provider_id, Contingent.contingent)
        .where(Contingent.year == base_year)).all())
    providers = _providers(session)
    if not providers:
        return None
    task = year_parameters(session, year).mobw_task
    # default_contingents splits evenly when the base year gave every provider none.
    shares = planning.default_contingents(
        task, {str(p): int(before.get(p, 0)) for p in providers})
    return ProvisionalDivision(year, int(base_year), task,
                               {int(k): v for k, v in shares.items()})


def has_contingents(session: Session, year: int) -> bool:
    return session.exec(
        select(Contingent.year).where(Contingent.year == year).limit(1)).first() is not None


def is_provisional(session: Session, year: int) -> bool:
    """Whether the year's contingents are (still) the provisional division."""
    return session.exec(
        select(Contingent.year).where(Contingent.year == year,
                                      col(Contingent.provisional).is_(True)).limit(1)
    ).first() is not None


def _manager_organisations(session: Session) -> list[int]:
    return sorted({i for i in session.exec(
        select(User.organisation_id).where(col(User.contingent_manager).is_(True),
                                           col(User.active).is_(True))) if i is not None})


def ensure_year_contingents(session: Session, *, year: int, now: datetime | None = None
                            ) -> ProvisionalDivision | None:
    """Write the year's provisional contingents and tell the agency and the contingent
    manager(s), if the year has none yet and an earlier year gives the shares. Returns the
    division written, or None when nothing was written (already there, or no shares).
    Commits its own transaction; call it before the reader's own work."""
    if has_contingents(session, year):
        return None
    division = provisional_division(session, year)
    if division is None:
        return None
    moment = now or utcnow()
    reason = f"provisional: the task of {year} divided by the shares of {division.base_year}"
    try:
        for provider_id, value in division.shares.items():
            session.add(Contingent(year=year, care_provider_id=provider_id, contingent=value,
                                   manual=False, provisional=True))
            session.add(ContingentChange(year=year, care_provider_id=provider_id,
                                         old_value=None, new_value=value, actor_user_id=None,
                                         reason=reason, at=moment))
        session.flush()
        notify(session, kind=KIND, subject_id=year * 10 + 1,
               key=notice_key(KIND, "quarter", year * 10 + 1),
               organisation_ids=[*agency_ids(session), *_manager_organisations(session)],
               params={"year": year, "base_year": division.base_year, "task": division.task},
               now=moment)
        session.commit()
    except IntegrityError:
        session.rollback()  # another tick or reader wrote the year first
        return None
    except Exception as error:
        session.rollback()
        if is_transient(error):  # a deadlock with the other writer: it wrote the year
            return None
        raise
    return division


@service
def confirm_contingents(
    session: Session, *, year: int, actor: Any, now: datetime | None = None
) -> PolicyConfirmation:
    """Confirm the year's provisional contingents as they stand, as contingent manager."""
    require_role(actor, Role.MATCHER, Role.ADMIN, Role.CARE_PROVIDER)
    if not actor.contingent_manager:
        raise PermissionDenied("only the contingent manager may confirm contingents")
    rows = session.exec(
        select(Contingent).where(Contingent.year == year,
                                 col(Contingent.provisional).is_(True))
        .with_for_update()).all()
    if not rows:
        raise Conflict(f"{year} has no provisional contingents to confirm")
    for row in rows:
        row.provisional = False
    moment = now or utcnow()
    confirmation = session.get(PolicyConfirmation, (year, CONTINGENTS))
    if confirmation is None:
        confirmation = PolicyConfirmation(year=year, subject=CONTINGENTS)
        session.add(confirmation)
    confirmation.actor_user_id, confirmation.at = getattr(actor, "id", None), moment
    commit(session)
    return confirmation


def contingents_confirmation(session: Session, year: int) -> tuple[datetime, str | None] | None:
    """When and by whom the year's provisional contingents were confirmed, if they were."""
    row = session.get(PolicyConfirmation, (year, CONTINGENTS))
    if row is None:
        return None
    user = session.get(User, row.actor_user_id) if row.actor_user_id is not None else None
    return row.at, user.email if user is not None else None
