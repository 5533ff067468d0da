"""Races that only a real database server can show: exactly one of two requests wins."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from matching.db import get_engine
from matching.models import Candidate, Client, Dwelling, Lease, LeaseEvent, Organisation, Proposal
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, submit_dwelling
from matching.services.errors import Conflict
from matching.services.leases import register_institution_lease
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from matching.workflow import TransitionNotAllowed
from tests import conftest
from tests.factories import ClientData, DwellingData, make_user
from tests.races import race_in_sessions

pytestmark = pytest.mark.skipif(
    not conftest.POSTGRES_URL, reason="row locks need PostgreSQL: set MATCHING_TEST_POSTGRES_URL"
)

NOW = datetime(2019, 9, 2, 10, tzinfo=UTC)


@pytest.fixture
def pg_url(migrated_pg_url: str) -> str:
    """The races run on the schema the migrations build, as production's is."""
    return migrated_pg_url


def race(url: str, *calls: Callable[[Session], Any]) -> list[Any]:
    """Run each call in its own thread and session, released at the same moment; a refusal
    (Conflict, TransitionNotAllowed) is an outcome, anything else or a hung thread fails."""
    return race_in_sessions(url, *calls, allowed=(Conflict, TransitionNotAllowed))


def _setup(url: str, dwellings: int, clients: int) -> dict[str, Any]:
    with Session(get_engine(url), expire_on_commit=False) as session:
        corporation = make_user(session, "Mitros", "corporation")
        matcher = make_user(session, "Het Vierde Huis", "matcher")
        provider = make_user(session, "Lister", "care_provider")
        dwelling_ids = []
        for _ in range(dwellings):
            dwelling = create_dwelling(session, data=DwellingData(), actor=corporation, now=NOW)
            submit_dwelling(session, dwelling_id=dwelling.id, actor=corporation, now=NOW)
            dwelling_ids.append(dwelling.id)
        client_ids = []
        for _ in range(clients):
            client = register_client(session, data=ClientData(), actor=provider, now=NOW)
            approve_client(session, client_id=client.id, actor=matcher, now=NOW)
            client_ids.append(client.id)
    return {"corporation": corporation, "matcher": matcher, "dwellings": dwelling_ids,
            "clients": client_ids}


@pytest.mark.parametrize("attempt", range(3))
def test_two_rounds_proposing_the_same_client_at_once_let_exactly_one_win(pg_url, attempt):
    world = _setup(pg_url, dwellings=2, clients=1)
    client_id = world["clients"][0]

    def propose_for(dwelling_id: int) -> Callable[[Session], Any]:
        return lambda s: propose_candidates(s, dwelling_id=dwelling_id, client_ids=[client_id],
                                            actor=world["matcher"], now=NOW)

    outcomes = race(pg_url, *(propose_for(d) for d in world["dwellings"]))
    winners = [o for o in outcomes if isinstance(o, Proposal)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    # The loser is told plainly: the client is already proposed (or on another open round).
    assert "'proposed'" in str(losers[0]) or "open round" in str(losers[0])

    with Session(get_engine(pg_url)) as session:
        pending = session.exec(select(Candidate).where(Candidate.client_id == client_id)).all()
        assert len(pending) == 1
        states = sorted(d.state for d in session.exec(select(Dwelling)))
        assert states == ["proposed", "submitted"]
        assert session.get(Client, client_id).state == "proposed"


@pytest.mark.parametrize("attempt", range(3))
def test_accepting_two_candidates_of_one_round_at_once_lets_exactly_one_win(pg_url, attempt):
    world = _setup(pg_url, dwellings=1, clients=2)
    with Session(get_engine(pg_url), expire_on_commit=False) as session:
        proposal = propose_candidates(session, dwelling_id=world["dwellings"][0],
                                      client_ids=world["clients"], actor=world["matcher"], now=NOW)

    def accept(client_id: int) -> Callable[[Session], Any]:
        return lambda s: decide_candidate(s, proposal_id=proposal.id, client_id=client_id,
                                          decision="accept", actor=world["corporation"], now=NOW)

    outcomes = race(pg_url, *(accept(c) for c in world["clients"]))
    assert sum(isinstance(o, Proposal) for o in outcomes) == 1
    loser = next(o for o in outcomes if isinstance(o, Exception))
    assert isinstance(loser, TransitionNotAllowed | Conflict)

    with Session(get_engine(pg_url)) as session:
        candidates = session.exec(
            select(Candidate).where(Candidate.proposal_id == proposal.id)).all()
        assert sorted(c.state for c in candidates) == ["accepted", "not_chosen"]
        accepted = next(c for c in candidates if c.state == "accepted")
        dwelling = session.get(Dwelling, world["dwellings"][0])
        assert (dwelling.state, dwelling.matched_client_id) == ("matched", accepted.client_id)
        states = sorted(session.get(Client, c).state for c in world["clients"])
        assert states == ["matched", "waiting"]


def test_two_ticks_at_once_fire_each_due_review_exactly_once(pg_url):
    with Session(get_engine(pg_url), expire_on_commit=False) as session:
        corporation = make_user(session, "Mitros", "corporation")
        lister = session.exec(select(Organisation).where(Organisation.name == "Lister")).one()
        lease_ids = [
            register_institution_lease(session, care_provider_id=lister.id,
                                       address=f"Instellingslaan {n}", start_on=date(2017, 1, 1),
                                       actor=corporation).id
            for n in range(1, 21)
        ]
    moment = datetime(2019, 1, 2, 3, tzinfo=UTC)
    reports = race(pg_url, *(lambda s: run_tick(s, now=moment) for _ in range(2)))
    assert sum(r.fired.get("lease.due", 0) for r in reports) == len(lease_ids)

    with Session(get_engine(pg_url)) as session:
        due_events = session.exec(
            select(LeaseEvent).where(LeaseEvent.trigger == "due")).all()
        assert sorted(e.lease_id for e in due_events) == sorted(lease_ids)
        assert {session.get(Lease, i).state for i in lease_ids} == {"review_due"}
