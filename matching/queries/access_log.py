"""Read side of the access log: one client's recorded accesses, with who and from where.

Reading the log is itself an access to the client's data: the callers log it."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from matching.models import AccessLog, Organisation, User
from matching.paging import Page, paginate
from matching.vocabulary import as_utc


@dataclass(frozen=True)
class AccessEntry:
    seq: int
    at: datetime  # UTC
    user: str | None  # the user's e-mail; None: the system or an operator
    role: str
    organisation: str | None
    action: str
    purpose: str
    access_point: str
    fields: list[str]
    request_id: str | None

    @property
    def who(self) -> str:
        return self.user or "system"


def _statement(client_id: int, *, newest_first: bool) -> Any:
    organisation = aliased(Organisation)
    order = col(AccessLog.seq).desc() if newest_first else col(AccessLog.seq)
    return (
        select(AccessLog, User.email, organisation.name)
        .join(User, col(User.id) == col(AccessLog.user_id), isouter=True)
        .join(organisation, col(organisation.id) == col(AccessLog.organisation_id),
              isouter=True)
        .where(AccessLog.client_id == client_id)
        .order_by(order)
    )


def _entry(row: Any) -> AccessEntry:
    log, email, organisation = row
    return AccessEntry(
        seq=log.seq, at=as_utc(log.at), user=email, role=log.role, organisation=organisation,
        action=log.action, purpose=log.purpose, access_point=log.access_point,
        fields=[name for name in log.fields_touched.split(",") if name],
        request_id=log.request_id,
    )


def client_accesses(session: Session, client_id: int) -> list[AccessEntry]:
    """Every recorded access to the client, oldest first."""
    return [_entry(row) for row in session.exec(_statement(client_id, newest_first=False))]


def client_accesses_page(session: Session, client_id: int, *, page: int,
                         per_page: int) -> Page[AccessEntry]:
    """One page of the client's recorded accesses, newest first."""
    found = paginate(session, _statement(client_id, newest_first=True), page=page,
                     per_page=per_page)
    return Page(items=[_entry(row) for row in found.items], page=found.page,
                per_page=found.per_page, total=found.total)
