"""Contingents per care provider as each role may see them, and the log of their changes.

The agency, the municipality and administrators see every provider; a care provider sees its
own row only, unless it holds the contingent-manager right (Beter Wonen divides the year).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from matching.access import require_role
from matching.models import Contingent, ContingentChange, Organisation, User
from matching.services.planning import ContingentRow, contingent_overview
from matching.vocabulary import Role

_READERS = (Role.MATCHER, Role.ANALYST, Role.ADMIN, Role.CARE_PROVIDER)


def sees_every_provider(actor: Any) -> bool:
    """Return whether the actor may see all providers' contingents, not just its own."""
    return actor.role != Role.CARE_PROVIDER or bool(actor.contingent_manager)


def contingent_rows(session: Session, *, actor: Any, year: int) -> list[ContingentRow]:
    """Return contingent, proposed, housed and remaining per provider the actor may see."""
    require_role(actor, *_READERS)
    rows = contingent_overview(session, year)
    if sees_every_provider(actor):
        return rows
    return [row for row in rows if row.care_provider_id == actor.organisation_id]


def year_has_contingents(session: Session, year: int) -> bool:
    """Return whether any contingent has been set for the year."""
    count = session.exec(
        select(func.count()).select_from(Contingent).where(Contingent.year == year)
    ).one()
    return int(count) > 0


@dataclass(frozen=True)
class ChangeRow:
    at: datetime
    care_provider_id: int
    care_provider: str
    old_value: int | None
    new_value: int
    by: str | None
    reason: str


def contingent_changes(
    session: Session, *, actor: Any, year: int, limit: int = 200
) -> list[ChangeRow]:
    """Return the logged contingent changes of the year the actor may see, newest first."""
    require_role(actor, *_READERS)
    statement = (
        select(ContingentChange, Organisation.name, User.email)
        .join(Organisation, col(Organisation.id) == col(ContingentChange.care_provider_id))
        .outerjoin(User, col(User.id) == col(ContingentChange.actor_user_id))
        .where(ContingentChange.year == year)
    )
    if not sees_every_provider(actor):
        statement = statement.where(ContingentChange.care_provider_id == actor.organisation_id)
    statement = statement.order_by(col(ContingentChange.at).desc(),
                                   col(ContingentChange.id).desc()).limit(limit)
    return [
        ChangeRow(change.at, change.care_provider_id, name, change.old_value, change.new_value,
                  email, change.reason)
        for change, name, email in session.exec(statement)
    ]
