"""Test data for the matcher's pages, made through the services as the real users would."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from matching.models import Client, Dwelling, Proposal, User
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, submit_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from matching.workdays import UTRECHT, local_date
from tests.factories import ClientData, DwellingData


def days_ago(days: int) -> datetime:
    """A moment `days` calendar days back, mid-morning in Utrecht.

    The day is counted from Utrecht's date, as the pages count it: just after midnight in
    Utrecht the UTC date is still yesterday's.
    """
    day = local_date(datetime.now(UTC)) - timedelta(days=days)
    return datetime.combine(day, time(9), tzinfo=UTRECHT).astimezone(UTC)


def waiting_clients(
    session: Session, provider: User, matcher: User, count: int, *,
    first_wait: date = date(2024, 1, 1), **data: Any,
) -> list[Client]:
    """Register and approve `count` clients; the first waits longest (a clear ranking)."""
    made = []
    for n in range(count):
        client = register_client(session, data=ClientData(**data), actor=provider)
        approve_client(session, client_id=client.id, actor=matcher,
                       waiting_since=first_wait + timedelta(days=10 * n))
        made.append(client)
    return made


def referral(session: Session, provider: User, registered_on: date, **data: Any) -> Client:
    """A client registered by its care provider and not yet approved."""
    return register_client(session, data=ClientData(registered_on=registered_on, **data),
                           actor=provider)


def submitted_dwelling(
    session: Session, corporation: User, *, submitted_days_ago: int = 0, **data: Any
) -> Dwelling:
    """A dwelling created and submitted by its corporation `submitted_days_ago` days back."""
    when = days_ago(submitted_days_ago)
    dwelling = create_dwelling(session, data=DwellingData(**data), actor=corporation, now=when)
    return submit_dwelling(session, dwelling_id=dwelling.id, actor=corporation, now=when)


def proposed(
    session: Session, dwelling: Dwelling, clients: list[Client], matcher: User,
    *, proposed_days_ago: int = 0, motivation: str | None = "testronde",
) -> Proposal:
    """Open a round for the dwelling with the given clients."""
    return propose_candidates(session, dwelling_id=dwelling.id,
                              client_ids=[c.id for c in clients], actor=matcher,
                              motivation=motivation, now=days_ago(proposed_days_ago))


def matched(
    session: Session, corporation: User, dwelling: Dwelling, clients: list[Client],
    matcher: User, *, days: int = 0,
) -> Client:
    """Propose the clients and let the corporation accept the first: the offer is out."""
    proposal = proposed(session, dwelling, clients, matcher, proposed_days_ago=days)
    decide_candidate(session, proposal_id=proposal.id, client_id=clients[0].id,
                     decision="accept", actor=corporation, now=days_ago(days))
    return clients[0]
