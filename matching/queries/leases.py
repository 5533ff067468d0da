"""Read side of the lease pages: rows for the list, one lease with its history, and what the
signed-in user may do with it now."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, and_, case, false, or_
from sqlmodel import Session, col, select

from matching.access import check_lease_visible, get_or_404, require_role
from matching.models import (
    Client,
    Dwelling,
    Lease,
    LeaseEvent,
    LeaseTransferRequest,
    Organisation,
    User,
)
from matching.parameters import year_parameters
from matching.services.lease_requests import TRANSFERABLE_STATES, open_transfer_requests
from matching.vocabulary import LeaseState, LeaseType, Role
from matching.workflow import allowed_triggers

# A review date is only overdue while the flip lease still waits for its review.
_REVIEW_PENDING = (LeaseState.ACTIVE, LeaseState.REVIEW_DUE, LeaseState.EXTENDED)


# A lease with a date still ahead of it: a review to hold, or an end to come. A transferred
# lease runs on in the client's name, but nothing in this service is left to do with it.
RUNNING_STATES = (*_REVIEW_PENDING, LeaseState.ENDING)


def next_date(lease: Lease) -> date | None:
    """The lease's next date: the review of a flip lease still waiting for it, else its end."""
    if lease.lease_type == LeaseType.FLIP and lease.state in _REVIEW_PENDING:
        return lease.review_on
    return lease.end_on


def next_date_column() -> Any:
    """`next_date` in SQL, to order a list of leases by it."""
    waits_for_review = and_(col(Lease.lease_type) == LeaseType.FLIP,
                            col(Lease.state).in_(_REVIEW_PENDING))
    return case((waits_for_review, col(Lease.review_on)), else_=col(Lease.end_on))


def running_first_order() -> tuple[Any, ...]:
    """Running leases first, each part by the next date (none last), then oldest first."""
    upcoming = next_date_column()
    return (col(Lease.state).notin_(RUNNING_STATES), upcoming.is_(None), upcoming, col(Lease.id))


def printable(text: str | None) -> str:
    """A search text as typed, without control characters (PostgreSQL refuses a NUL)."""
    return "".join(ch for ch in (text or "") if ch.isprintable()).strip()


def lease_id_of_dwelling(session: Session, dwelling_id: int) -> int | None:
    """The lease a let dwelling got (at most one: lease.dwelling_id is unique), if any."""
    return session.exec(select(Lease.id).where(Lease.dwelling_id == dwelling_id)).first()


def client_visible(actor: Any, lease: Lease) -> bool:
    """Whether the actor may see the lease's client: the agency, or the client's provider."""
    return lease.client_id is not None and (
        actor.role == Role.MATCHER
        or (actor.role == Role.CARE_PROVIDER and lease.care_provider_id == actor.organisation_id)
    )


def lease_search(actor: Any, text: str) -> ColumnElement[bool]:
    """Match a lease on its address, or on its client's reference for those who may see the
    client (the agency, and the client's own care provider): a landlord learns nothing of a
    reference it was never shown. The caller joins Dwelling and Client (outer)."""
    address = or_(col(Lease.address).icontains(text, autoescape=True),
                  col(Dwelling.address).icontains(text, autoescape=True))
    if actor.role == Role.MATCHER:
        sees_client: ColumnElement[bool] = col(Lease.client_id).is_not(None)
    elif actor.role == Role.CARE_PROVIDER:
        sees_client = col(Lease.care_provider_id) == actor.organisation_id
    else:
        sees_client = false()
    return or_(address, sees_client & col(Client.reference).icontains(text, autoescape=True))


def review_overdue(lease: Lease, today: date) -> bool:
    """Whether a flip lease's review date has passed without a transfer or extension."""
    return (
        lease.lease_type == LeaseType.FLIP
        and lease.state in _REVIEW_PENDING
        and lease.review_on is not None
        and lease.review_on < today
    )


@dataclass(frozen=True)
class LeaseRow:
    lease: Lease
    address: str
    landlord: str
    tenant: str | None  # the tenant care provider; None: the client rents directly
    overdue: bool
    transfer_request: LeaseTransferRequest | None

    @property
    def next_on(self) -> date | None:
        """The date the list orders by: the pending review, else the end."""
        return next_date(self.lease)

    @property
    def next_is_review(self) -> bool:
        return self.next_on is not None and self.lease.lease_type == LeaseType.FLIP \
            and self.lease.state in _REVIEW_PENDING


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(Organisation).where(col(Organisation.id).in_(ids)))
    return {o.id: o.name for o in rows if o.id is not None}


def _addresses(session: Session, leases: Sequence[Lease]) -> dict[int, str]:
    ids = {lease.dwelling_id for lease in leases if lease.dwelling_id is not None}
    if not ids:
        return {}
    rows = session.exec(select(Dwelling.id, Dwelling.address).where(col(Dwelling.id).in_(ids)))
    return {dwelling_id: address for dwelling_id, address in rows if dwelling_id is not None}


def lease_rows(session: Session, leases: Sequence[Lease], today: date) -> list[LeaseRow]:
    """Decorate a page of leases with address, parties, overdue review and open requests."""
    addresses = _addresses(session, leases)
    parties: set[int] = set()
    for lease in leases:
        parties.add(lease.corporation_id)
        if lease.tenant_care_provider_id is not None:
            parties.add(lease.tenant_care_provider_id)
    names = _names(session, parties)
    requests = open_transfer_requests(session, [lease.id for lease in leases if lease.id])
    return [
        LeaseRow(
            lease=lease,
            address=lease.address or addresses.get(lease.dwelling_id or 0, ""),
            landlord=names.get(lease.corporation_id, ""),
            tenant=names.get(lease.tenant_care_provider_id)
            if lease.tenant_care_provider_id is not None else None,
            overdue=review_overdue(lease, today),
            transfer_request=requests.get(lease.id or 0),
        )
        for lease in leases
    ]


@dataclass(frozen=True)
class LeaseHistoryEntry:
    at: datetime
    trigger: str
    from_state: str | None
    to_state: str
    organisation: str | None  # None: the system (`matching tick`)
    review_on: date | None  # the (new) review date the event set
    on: date | None  # the date a transfer or end takes effect
    reason: str


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class LeaseDetail:
    row: LeaseRow
    care_provider: str | None  # the client's care provider
    history: list[LeaseHistoryEntry]
    requests: list[LeaseTransferRequest]
    actions: set[str] = field(default_factory=set)
    can_see_client: bool = False


def lease_actions(lease: Lease, actor: Any, *, open_request: bool) -> set[str]:
    """The actions the services would let this actor take now (to show only those buttons)."""
    triggers = set(allowed_triggers(lease))
    landlord = actor.role == Role.CORPORATION and lease.corporation_id == actor.organisation_id
    tenant = (actor.role == Role.CARE_PROVIDER
              and lease.tenant_care_provider_id == actor.organisation_id)
    actions = set()
    if "extend" in triggers and tenant:
        actions.add("extend")
    if "transfer" in triggers and (landlord or actor.role == Role.MATCHER):
        actions.add("transfer")
    if "end" in triggers and landlord:
        actions.add("end")
    if (tenant and lease.lease_type == LeaseType.FLIP and lease.state in TRANSFERABLE_STATES
            and not open_request):
        actions.add("request_transfer")
    return actions


def lease_detail(session: Session, *, lease_id: int, actor: Any, today: date) -> LeaseDetail:
    """One lease the actor is a party to (NotFound otherwise), with history and actions."""
    require_role(actor, Role.CORPORATION, Role.CARE_PROVIDER, Role.MATCHER)
    lease = get_or_404(session, Lease, lease_id)
    check_lease_visible(actor, lease)
    row = lease_rows(session, [lease], today)[0]
    events = session.exec(
        select(LeaseEvent, User)
        .join(User, col(User.id) == col(LeaseEvent.actor_user_id), isouter=True)
        .where(LeaseEvent.lease_id == lease_id)
        .order_by(col(LeaseEvent.at), col(LeaseEvent.id))
    ).all()
    requests = list(session.exec(
        select(LeaseTransferRequest).where(LeaseTransferRequest.lease_id == lease_id)
        .order_by(col(LeaseTransferRequest.id).desc())
    ))
    names = _names(session, {u.organisation_id for _, u in events if u is not None}
                   | ({lease.care_provider_id} if lease.care_provider_id else set()))
    history = [
        LeaseHistoryEntry(
            at=event.at, trigger=event.trigger, from_state=event.from_state,
            to_state=event.to_state,
            organisation=names.get(user.organisation_id) if user is not None else None,
            review_on=_date((event.data or {}).get("review_on")),
            on=_date((event.data or {}).get("on")),
            reason=str((event.data or {}).get("reason") or ""),
        )
        for event, user in events
    ]
    can_see_client = client_visible(actor, lease)
    return LeaseDetail(
        row=row,
        care_provider=names.get(lease.care_provider_id) if lease.care_provider_id else None,
        history=history,
        requests=requests,
        actions=lease_actions(lease, actor, open_request=row.transfer_request is not None),
        can_see_client=can_see_client,
    )


def extension_window(session: Session, lease: Lease) -> tuple[date, date]:
    """The current review date and the latest date an extension may set (the same rule as
    services.leases.extend_lease: at most twelve months on, a year parameter)."""
    current = lease.review_on or lease.start_on
    months = year_parameters(session, current.year).flip_extension_max_months
    return current, current + relativedelta(months=months)
