"""Requests about a lease from its tenant care provider to the landlord: asking for the omklap.

A request never changes the lease: only the landlord corporation or the agency transfers it
(`services.leases.transfer_lease`). A request stays open while its lease can still be
transferred, so one that was acted on, or whose lease ended, closes by itself.
"""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from matching.access import check_lease_visible, require_role
from matching.models import Lease, LeaseTransferRequest
from matching.notifications import causes
from matching.services.errors import PermissionDenied, ValidationFailed
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import LeaseState, LeaseType, Role, utcnow
from matching.workdays import local_date

# The states from which a flip lease can still be transferred (now or after its review).
TRANSFERABLE_STATES = (LeaseState.ACTIVE, LeaseState.REVIEW_DUE, LeaseState.EXTENDED)

NOTE_MAX_LENGTH = 1000


def open_transfer_requests(
    session: Session, lease_ids: list[int]
) -> dict[int, LeaseTransferRequest]:
    """Return the latest open transfer request per lease, for the given leases."""
    if not lease_ids:
        return {}
    rows = session.exec(
        select(LeaseTransferRequest)
        .join(Lease, col(Lease.id) == col(LeaseTransferRequest.lease_id))
        .where(
            col(LeaseTransferRequest.lease_id).in_(lease_ids),
            Lease.lease_type == LeaseType.FLIP,
            col(Lease.state).in_(TRANSFERABLE_STATES),
        )
        .order_by(col(LeaseTransferRequest.id))
    ).all()
    return {row.lease_id: row for row in rows}  # later rows replace earlier ones


@service
def request_lease_transfer(
    session: Session,
    *,
    lease_id: int,
    wished_on: date,
    note: str = "",
    actor: Any,
    now: datetime | None = None,
) -> LeaseTransferRequest:
    """Ask the landlord to transfer a flip lease to the client from a wished date."""
    require_role(actor, Role.CARE_PROVIDER)
    lease = get_or_404(session, Lease, lease_id, lock=True)
    check_lease_visible(actor, lease)
    if lease.tenant_care_provider_id != actor.organisation_id:
        raise PermissionDenied("only the tenant care provider may ask for the transfer")
    problems: dict[str, str] = {}
    if lease.lease_type != LeaseType.FLIP or lease.state not in TRANSFERABLE_STATES:
        problems["lease"] = "only an open flip lease can be transferred"
    elif open_transfer_requests(session, [lease_id]):
        problems["lease"] = "a transfer was already requested for this lease"
    moment = now or utcnow()
    if wished_on < max(lease.start_on, local_date(moment)):
        problems["wished_on"] = "cannot lie in the past or before the start of the lease"
    cleaned = (note or "").strip()
    if len(cleaned) > NOTE_MAX_LENGTH:
        problems["note"] = f"at most {NOTE_MAX_LENGTH} characters"
    elif "\x00" in cleaned:  # PostgreSQL's text cannot hold it
        problems["note"] = "must not contain NUL characters"
    if problems:
        raise ValidationFailed(problems)
    request = LeaseTransferRequest(
        lease_id=lease_id,
        care_provider_id=actor.organisation_id,
        requested_by_user_id=actor.id,
        wished_on=wished_on,
        note=cleaned,
        created_at=moment,
    )
    session.add(request)
    session.flush()
    causes.transfer_requested(session, lease, request, moment)
    commit(session)
    return request
