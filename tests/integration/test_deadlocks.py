"""Services that lock the same rows from different ends must not deadlock each other.

PostgreSQL breaks a deadlock by aborting one of the transactions, which the web turned into a
500. Each race here slows every row lock down, so that both transactions hold their first lock
before either asks for its second: had the two services locked in different orders, the race
would deadlock every time.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from matching.db import get_engine
from matching.models import Client, Dwelling, Lease
from matching.services.clients import withdraw_client
from matching.services.errors import Conflict
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate
from matching.workflow import TransitionNotAllowed
from tests import conftest
from tests.corporation_data import Round, offer_accepted, open_round
from tests.factories import make_user
from tests.races import race_in_sessions

pytestmark = pytest.mark.skipif(
    not conftest.POSTGRES_URL, reason="row locks need PostgreSQL: set MATCHING_TEST_POSTGRES_URL"
)

LOCK_PAUSE = 0.3  # seconds after each row lock: longer than the two threads' start apart


@pytest.fixture
def pg_url(migrated_pg_url: str) -> str:
    """The races run on the schema the migrations build, as production's is."""
    return migrated_pg_url


@contextmanager
def slow_row_locks(url: str) -> Iterator[None]:
    """Pause after every statement that takes row locks, while the block runs."""

    def pause(_conn, _cursor, statement: str, *_args: Any) -> None:
        if " FOR UPDATE" in statement or " FOR NO KEY UPDATE" in statement:
            time.sleep(LOCK_PAUSE)

    engine = get_engine(url)
    event.listen(engine, "after_cursor_execute", pause)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", pause)


def race(url: str, *calls: Callable[[Session], Any]) -> list[Any]:
    """A refusal (the other one won first) is an outcome; a deadlock or a hung thread fails."""
    with slow_row_locks(url):
        return race_in_sessions(url, *calls, allowed=(Conflict, TransitionNotAllowed))


def _people(url: str) -> dict[str, Any]:
    with Session(get_engine(url), expire_on_commit=False) as session:
        return {"corporation": make_user(session, "Mitros", "corporation"),
                "matcher": make_user(session, "Het Vierde Huis", "matcher"),
                "provider": make_user(session, "Lister", "care_provider")}


def _withdraw(people: dict[str, Any], client_id: int) -> Callable[[Session], Any]:
    return lambda s: withdraw_client(s, client_id=client_id, reason="verhuisd naar elders",
                                     actor=people["provider"])


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_withdrawing_a_candidate_while_the_corporation_decides_on_them_never_deadlocks(
        pg_url, decision):
    people = _people(pg_url)
    with Session(get_engine(pg_url), expire_on_commit=False) as session:
        made: Round = open_round(session, **people, count=2)
    client_id = made.clients[0].id

    def decide(s: Session) -> Any:
        return decide_candidate(s, proposal_id=made.proposal.id, client_id=client_id,
                                decision=decision, actor=people["corporation"],
                                reason_code="size_mismatch" if decision == "reject" else None)

    withdrawn, _decided = race(pg_url, _withdraw(people, client_id), decide)

    # Whichever came first, the client's withdrawal stands: after an accepted match too.
    assert isinstance(withdrawn, Client)
    with Session(get_engine(pg_url)) as session:
        assert session.get(Client, client_id).state == "withdrawn"
        dwelling = session.get(Dwelling, made.dwelling.id)
        assert dwelling.matched_client_id is None
        assert dwelling.state in ("proposed", "submitted")


def test_letting_a_dwelling_while_its_client_withdraws_never_deadlocks(pg_url):
    people = _people(pg_url)
    with Session(get_engine(pg_url), expire_on_commit=False) as session:
        made: Round = offer_accepted(session, **people)
    client_id, dwelling_id = made.clients[0].id, made.dwelling.id

    def let(s: Session) -> Any:
        return let_dwelling(s, dwelling_id=dwelling_id, lease_start=date(2019, 10, 1),
                            lease_type="direct", actor=people["corporation"])

    outcomes = race(pg_url, _withdraw(people, client_id), let)

    winners = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(winners) == 1, outcomes
    with Session(get_engine(pg_url)) as session:
        client = session.get(Client, client_id)
        leases = session.exec(select(Lease).where(Lease.dwelling_id == dwelling_id)).all()
        if isinstance(winners[0], Lease):
            assert (client.state, len(leases)) == ("housed", 1)
        else:
            assert (client.state, len(leases)) == ("withdrawn", 0)
            assert session.get(Dwelling, dwelling_id).matched_client_id is None
