"""Read side of the JSON API: one object with its rounds or history, and the reference lists.

Every function that returns an object checks that the actor may see it (another
organisation's object is a NotFound), like the services do.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from matching.access import check_dwelling_visible, check_lease_visible, get_or_404, require_role
from matching.models import (
    Candidate,
    Client,
    ClientEvent,
    Dwelling,
    DwellingEarmark,
    DwellingEvent,
    Lease,
    LeaseEvent,
    Organisation,
    Proposal,
    ReasonCode,
    TargetGroup,
)
from matching.paging import Page, paginate
from matching.vocabulary import Role


@dataclass(frozen=True)
class Round:
    proposal: Proposal
    candidates: list[Candidate]


@dataclass(frozen=True)
class DwellingDetail:
    dwelling: Dwelling
    rounds: list[Round]
    history: list[DwellingEvent]


def earmarks_of(session: Session, dwelling_ids: Sequence[int]) -> dict[int, list[int]]:
    """Return the earmarked care providers per dwelling, for the dwellings asked."""
    found: dict[int, list[int]] = {dwelling_id: [] for dwelling_id in dwelling_ids}
    if not dwelling_ids:
        return found
    rows = session.exec(
        select(DwellingEarmark)
        .where(col(DwellingEarmark.dwelling_id).in_(list(dwelling_ids)))
        .order_by(col(DwellingEarmark.care_provider_id))
    )
    for row in rows:
        found.setdefault(row.dwelling_id, []).append(row.care_provider_id)
    return found


def rounds_of(session: Session, proposals: Sequence[Proposal]) -> list[Round]:
    """Return each round with its candidates in the order proposed."""
    ids = [p.id for p in proposals]
    candidates = session.exec(
        select(Candidate).where(col(Candidate.proposal_id).in_(ids)).order_by(
            col(Candidate.proposal_id), col(Candidate.position)
        )
    ).all() if ids else []
    return [Round(p, [c for c in candidates if c.proposal_id == p.id]) for p in proposals]


def dwelling_detail(session: Session, *, actor: Any, dwelling_id: int) -> DwellingDetail:
    """Return a dwelling the actor may see, with its rounds (oldest first) and history."""
    require_role(actor, Role.CORPORATION, Role.MATCHER)
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    check_dwelling_visible(actor, dwelling)
    proposals = session.exec(
        select(Proposal).where(Proposal.dwelling_id == dwelling_id).order_by(
            col(Proposal.round_no)
        )
    ).all()
    history = session.exec(
        select(DwellingEvent).where(DwellingEvent.dwelling_id == dwelling_id).order_by(
            col(DwellingEvent.id)
        )
    ).all()
    return DwellingDetail(dwelling, rounds_of(session, proposals), list(history))


def proposal_round(session: Session, *, actor: Any, proposal_id: int) -> tuple[Round, Dwelling]:
    """Return a round and its dwelling, if the actor may see the dwelling."""
    require_role(actor, Role.CORPORATION, Role.MATCHER)
    proposal = get_or_404(session, Proposal, proposal_id)
    dwelling = get_or_404(session, Dwelling, proposal.dwelling_id)
    check_dwelling_visible(actor, dwelling)
    return rounds_of(session, [proposal])[0], dwelling


def round_members(session: Session, proposal_id: int) -> tuple[int | None, list[int]]:
    """Return a round's dwelling id and its candidates' client ids (none for an unknown round;
    unchecked: the caller's service checks the right to see it before anything is shown)."""
    rows = session.exec(
        select(Proposal.dwelling_id, Candidate.client_id)
        .join(Candidate, col(Candidate.proposal_id) == col(Proposal.id))
        .where(Proposal.id == proposal_id)
    ).all()
    return (rows[0][0] if rows else None), [client_id for _, client_id in rows]


def client_history(session: Session, client_id: int) -> list[ClientEvent]:
    """Return a client's events, oldest first (the caller has checked the right to see it)."""
    return list(session.exec(
        select(ClientEvent).where(ClientEvent.client_id == client_id).order_by(col(ClientEvent.id))
    ))


def lease_detail(session: Session, *, actor: Any, lease_id: int) -> tuple[Lease, list[LeaseEvent]]:
    """Return a lease the actor is a party to (the agency sees all) with its history."""
    require_role(actor, Role.CORPORATION, Role.CARE_PROVIDER, Role.MATCHER)
    lease = get_or_404(session, Lease, lease_id)
    check_lease_visible(actor, lease)
    history = session.exec(
        select(LeaseEvent).where(LeaseEvent.lease_id == lease_id).order_by(col(LeaseEvent.id))
    ).all()
    return lease, list(history)


def clients_by_id(session: Session, client_ids: Sequence[int]) -> dict[int, Client]:
    """Return the clients asked for, by id (the caller logs the reads it shows)."""
    if not client_ids:
        return {}
    rows = session.exec(select(Client).where(col(Client.id).in_(list(client_ids))))
    return {row.id: row for row in rows if row.id is not None}


def organisations(
    session: Session, *, kind: str | None = None, page: int = 1, per_page: int = 50
) -> Page[Organisation]:
    """Active organisations by name, of one kind if asked."""
    statement = select(Organisation).where(col(Organisation.active).is_(True))
    if kind:
        statement = statement.where(Organisation.kind == kind)
    return paginate(session, statement.order_by(col(Organisation.name)), page=page,
                    per_page=per_page)


def reason_codes(
    session: Session, *, kind: str | None = None, page: int = 1, per_page: int = 50
) -> Page[ReasonCode]:
    """Active reason codes, the landlord's first, then by code."""
    statement = select(ReasonCode).where(col(ReasonCode.active).is_(True))
    if kind:
        statement = statement.where(ReasonCode.kind == kind)
    statement = statement.order_by(col(ReasonCode.kind).desc(), col(ReasonCode.code))
    return paginate(session, statement, page=page, per_page=per_page)


def target_groups(session: Session, *, page: int = 1, per_page: int = 50) -> Page[TargetGroup]:
    """Target groups in their fixed order."""
    statement = select(TargetGroup).order_by(col(TargetGroup.sort_order), col(TargetGroup.code))
    return paginate(session, statement, page=page, per_page=per_page)
