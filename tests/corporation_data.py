"""Rounds and matches for the corporation's pages, built through the services only."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from matching.models import Client, Dwelling, Proposal, User
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from tests.factories import ClientData, DwellingData


@dataclass
class Round:
    dwelling: Dwelling
    proposal: Proposal
    clients: list[Client]


def waiting_clients(
    session: Session, *, provider: User, matcher: User, count: int, **data: object
) -> list[Client]:
    """Register `count` clients of `provider` and have Het Vierde Huis approve them."""
    clients = []
    for _ in range(count):
        client = register_client(session, data=ClientData(**data), actor=provider)
        approve_client(session, client_id=client.id, actor=matcher)
        clients.append(client)
    return clients


def open_round(
    session: Session, *, corporation: User, provider: User, matcher: User, count: int = 2,
    proposed_at: datetime | None = None, client_data: dict | None = None,
    **dwelling: object,
) -> Round:
    """A submitted dwelling of `corporation` with a round of `count` waiting clients."""
    clients = waiting_clients(session, provider=provider, matcher=matcher, count=count,
                              **(client_data or {}))
    made = create_dwelling(session, data=DwellingData(**dwelling), actor=corporation)
    submit_dwelling(session, dwelling_id=made.id, actor=corporation)
    proposal = propose_candidates(
        session, dwelling_id=made.id, client_ids=[c.id for c in clients], actor=matcher,
        motivation="chosen for the test", now=proposed_at,
    )
    return Round(made, proposal, clients)


def offer_accepted(
    session: Session, *, corporation: User, provider: User, matcher: User,
    client_data: dict | None = None, **dwelling: object,
) -> Round:
    """A dwelling whose chosen client accepted the one-time offer: ready to be let."""
    made = open_round(session, corporation=corporation, provider=provider, matcher=matcher,
                      count=1, client_data=client_data, **dwelling)
    decide_candidate(session, proposal_id=made.proposal.id, client_id=made.clients[0].id,
                     decision="accept", actor=corporation)
    record_offer_answer(session, dwelling_id=made.dwelling.id, answer="accepted", actor=matcher)
    return made
