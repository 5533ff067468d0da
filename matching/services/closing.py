"""Closing a quarter (vaststellen): the agency freezes the quarter's report once it has ended,
so figures once published do not move when late corrections come in (product.md section 8)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from matching.access import require_role
from matching.late_changes import wait_for_late_changes
from matching.models import ClosedQuarter
from matching.quarters import parse_quarter
from matching.reports.build import closed_by, quarter_snapshots
from matching.services.errors import Conflict, ValidationFailed
from matching.services.unit_of_work import commit, service
from matching.vocabulary import Role, utcnow
from matching.workdays import local_date


@dataclass(frozen=True)
class QuarterClosed:
    quarter: str
    closed_at: datetime
    closed_by: dict[str, Any]  # id, email and organisation of the user who closed it

    def as_dict(self) -> dict[str, Any]:
        return {"quarter": self.quarter, "closed_at": self.closed_at.isoformat(),
                "closed_by": self.closed_by}


def quarter_closure(session: Session, quarter: str) -> QuarterClosed | None:
    """When and by whom a quarter was closed, or None while it is open."""
    row = session.get(ClosedQuarter, quarter)
    if row is None:
        return None
    return QuarterClosed(row.quarter, row.closed_at, closed_by(session, row.closed_by_user_id))


@service
def close_quarter(
    session: Session, *, quarter: str, actor: Any, now: datetime | None = None
) -> QuarterClosed:
    """Freeze an ended quarter's report: store it for every reader scope.

    PermissionDenied unless the actor is the agency (matcher); ValidationFailed for a
    malformed quarter; Conflict when it is closed already or has not ended yet (its last day
    is not before today in Utrecht).
    """
    require_role(actor, Role.MATCHER)
    try:
        parsed = parse_quarter(quarter)
    except ValueError as error:
        raise ValidationFailed({"quarter": str(error)}) from None
    moment = now or utcnow()
    if parsed.last_day >= local_date(moment):
        raise Conflict(f"{parsed} has not ended yet; it can be closed from "
                       f"{parsed.following.first_day.isoformat()}")
    existing = quarter_closure(session, str(parsed))
    if existing is not None:
        raise Conflict(f"{parsed} was closed already on {existing.closed_at.isoformat()}")
    by = closed_by(session, actor.id)
    row = ClosedQuarter(
        quarter=str(parsed), closed_at=moment, closed_by_user_id=actor.id,
        late_changes_seen=wait_for_late_changes(session),
        snapshots=quarter_snapshots(session, parsed, closed_at=moment, by=by),
    )
    session.add(row)
    try:
        commit(session)
    except Conflict:  # another close of the same quarter won the race
        raise Conflict(f"{parsed} was closed already") from None
    return QuarterClosed(row.quarter, moment, by)
