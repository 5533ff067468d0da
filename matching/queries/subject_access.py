"""Read side of a subject access request (AVG article 15): everything held about one client
as plain JSON values: the record, its history, the rounds it was proposed in, its leases
and every recorded access to it."""

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from matching.models import (
    Candidate,
    Client,
    ClientEvent,
    Dwelling,
    Lease,
    LeaseEvent,
    Organisation,
    Proposal,
    User,
)
from matching.queries.access_log import client_accesses
from matching.vocabulary import as_utc, utcnow

FORMAT = "matching subject access export, version 1"


def _plain(value: Any) -> Any:
    """A value as JSON writes it: moments in UTC, dates ISO, amounts as text."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(Organisation).where(col(Organisation.id).in_(wanted)))
    return {o.id: o.name for o in rows if o.id is not None}


def _record(session: Session, client: Client) -> dict[str, Any]:
    record = {name: _plain(getattr(client, name)) for name in Client.model_fields
              if name != "version"}
    record["care_provider"] = _names(session, {client.care_provider_id}).get(
        client.care_provider_id)
    return record


def _events(session: Session, model: Any, key: Any, row_id: int | None) -> list[dict[str, Any]]:
    rows = session.exec(
        select(model, User.organisation_id)
        .join(User, col(User.id) == col(model.actor_user_id), isouter=True)
        .where(key == row_id).order_by(col(model.at), col(model.id))
    ).all()
    names = _names(session, {organisation for _, organisation in rows})
    return [
        {"at": _plain(event.at), "trigger": event.trigger, "from_state": event.from_state,
         "to_state": event.to_state,
         "organisation": names.get(organisation) if organisation is not None else None,
         "data": _plain(event.data or {})}
        for event, organisation in rows
    ]


def _rounds(session: Session, client_id: int) -> list[dict[str, Any]]:
    decider = aliased(User)
    rows = session.exec(
        select(Candidate, Proposal, Dwelling, decider.organisation_id)
        .join(Proposal, col(Proposal.id) == col(Candidate.proposal_id))
        .join(Dwelling, col(Dwelling.id) == col(Candidate.dwelling_id))
        .join(decider, col(decider.id) == col(Candidate.decided_by_user_id), isouter=True)
        .where(Candidate.client_id == client_id)
        .order_by(col(Proposal.opened_at), col(Candidate.id))
    ).all()
    names = _names(session, [d.corporation_id for _, _, d, _ in rows]
                   + [organisation for *_, organisation in rows])
    return [
        {"proposal_id": proposal.id, "round_no": proposal.round_no,
         "opened_at": _plain(proposal.opened_at), "round_state": proposal.state,
         "dwelling": {"id": dwelling.id, "address": dwelling.address,
                      "postcode": dwelling.postcode, "wijk": dwelling.wijk,
                      "corporation": names.get(dwelling.corporation_id)},
         "position": candidate.position, "score": candidate.score,
         "explanation": _plain(candidate.explanation),
         "outcome": candidate.state, "reason_code": candidate.reason_code,
         "motivation": candidate.motivation, "decided_at": _plain(candidate.decided_at),
         "decided_by": names.get(decided_by) if decided_by is not None else None}
        for candidate, proposal, dwelling, decided_by in rows
    ]


def _leases(session: Session, client_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Lease, Dwelling.address)
        .join(Dwelling, col(Dwelling.id) == col(Lease.dwelling_id), isouter=True)
        .where(Lease.client_id == client_id).order_by(col(Lease.start_on), col(Lease.id))
    ).all()
    names = _names(session, [lease.corporation_id for lease, _ in rows]
                   + [lease.tenant_care_provider_id for lease, _ in rows])
    return [
        {"id": lease.id, "lease_type": lease.lease_type, "state": lease.state,
         "institution": lease.is_institution, "address": lease.address or address,
         "corporation": names.get(lease.corporation_id),
         "tenant_care_provider": names.get(lease.tenant_care_provider_id or 0),
         "start_on": _plain(lease.start_on), "review_on": _plain(lease.review_on),
         "end_on": _plain(lease.end_on), "transferred_on": _plain(lease.transferred_on),
         "ended_on": _plain(lease.ended_on),
         "history": _events(session, LeaseEvent, col(LeaseEvent.lease_id), lease.id)}
        for lease, address in rows
    ]


def client_document(session: Session, client: Client) -> dict[str, Any]:
    """Everything held about `client`, as JSON-ready values."""
    assert client.id is not None
    return {
        "format": FORMAT,
        "exported_at": _plain(utcnow()),
        "client": _record(session, client),
        "history": _events(session, ClientEvent, col(ClientEvent.client_id), client.id),
        "rounds": _rounds(session, client.id),
        "leases": _leases(session, client.id),
        "access_log": [_plain(asdict(entry)) for entry in client_accesses(session, client.id)],
    }
