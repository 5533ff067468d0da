"""When a client left the process: the day from which retention counts (product.md s9).

A client has left once nothing more happens to them here:
- withdrawn, or refused the offer without a valid reason (`offer_refused`): from that event;
- housed with a direct lease: from the day they were housed, or the lease's start if later;
- housed with a flip lease: from its transfer (omklap: the client becomes the tenant), or
  its end; housed with a campus lease: from its end. The later of the day it was recorded
  and the day it takes effect counts, so a transfer entered ahead of time waits for its day.
A housed client whose flip or campus lease still runs has not left: the agency, the landlord
and the care provider still act on that lease, and it names the client.

The day of leaving comes from the event history, not from a column: a client's last event
leads into its current state, and a lease's transfer and end are lease events.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Subquery
from sqlmodel import Session, col, func, select

from matching.history import end_of_day
from matching.models import Client, ClientEvent, Lease, LeaseEvent
from matching.vocabulary import ClientState, LeaseState, LeaseType, as_utc
from matching.workdays import local_date

LEFT_STATES = (ClientState.HOUSED, ClientState.WITHDRAWN, ClientState.OFFER_REFUSED)
_LEASE_EXITS = (LeaseState.TRANSFERRED, LeaseState.ENDED)


@dataclass(frozen=True)
class Departure:
    client_id: int
    left_on: date


def departures(session: Session, *, left_by: date) -> list[Departure]:
    """The clients not erased yet who left the process on or before `left_by`."""
    last = _last_events(left_by)
    found: list[Departure] = []
    housed: dict[int, date] = {}
    for client_id, state, at in session.exec(select(last.c.client_id, last.c.state, last.c.at)):
        day = local_date(as_utc(at))
        if state == ClientState.HOUSED:
            housed[client_id] = day
        else:
            found.append(Departure(client_id, day))
    if housed:
        for client_id, day in _housed_departures(session, last, housed).items():
            if day <= left_by:
                found.append(Departure(client_id, day))
    return sorted(found, key=lambda d: d.client_id)


def _last_events(left_by: date) -> Subquery:
    """Per client in a state of leaving and not erased: its state and last event's moment,
    for the clients whose last event lies on or before `left_by` (a client cannot have
    left before it)."""
    return (
        select(col(Client.id).label("client_id"), col(Client.state).label("state"),
               func.max(ClientEvent.at).label("at"))
        .join(ClientEvent, col(ClientEvent.client_id) == col(Client.id))
        .where(col(Client.state).in_(LEFT_STATES), col(Client.erased_at).is_(None))
        .group_by(col(Client.id), col(Client.state))
        .having(func.max(ClientEvent.at) < end_of_day(left_by))
        .subquery()
    )


def _housed_departures(session: Session, last: Subquery,
                       housed: dict[int, date]) -> dict[int, date]:
    """The day each housed client left, given the day they were housed; absent while one
    of their leases still runs."""
    housed_ids = select(last.c.client_id).where(last.c.state == ClientState.HOUSED)
    leases = session.exec(select(Lease).where(col(Lease.client_id).in_(housed_ids))).all()
    exits = _lease_exit_days(session, (lease.id for lease in leases if lease.id is not None))
    left: dict[int, date | None] = dict(housed)  # housed without a lease: left when housed
    for lease in leases:
        assert lease.client_id is not None and lease.id is not None
        so_far = left[lease.client_id]
        day = _lease_left_on(lease, housed[lease.client_id], exits.get(lease.id))
        left[lease.client_id] = None if day is None or so_far is None else max(so_far, day)
    return {client_id: day for client_id, day in left.items() if day is not None}


def _lease_left_on(lease: Lease, housed_on: date, exit_day: date | None) -> date | None:
    if lease.lease_type == LeaseType.DIRECT:
        return max(housed_on, lease.start_on)
    if lease.state not in _LEASE_EXITS or exit_day is None:
        return None
    if lease.lease_type == LeaseType.FLIP and lease.transferred_on is not None:
        return max(exit_day, lease.transferred_on)
    return max(exit_day, lease.ended_on or exit_day)


def _lease_exit_days(session: Session, lease_ids: Iterable[int]) -> dict[int, date]:
    """Per lease: the day of its first transfer or end event (the client left then)."""
    ids = list(lease_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(LeaseEvent.lease_id, func.min(LeaseEvent.at))
        .where(col(LeaseEvent.lease_id).in_(ids), col(LeaseEvent.to_state).in_(_LEASE_EXITS))
        .group_by(col(LeaseEvent.lease_id))
    ).all()
    return {lease_id: local_date(as_utc(at)) for lease_id, at in rows}
