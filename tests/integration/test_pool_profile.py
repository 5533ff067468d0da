"""The waiting pool's profile stays equal to a recount of the clients, whatever changes them.

The engine counts exclusions over the profile (matching/engine/profile.py), so a profile that
drifts from the clients would show wrong counts. Each test compares what the tables hold with
a fresh count of the waiting clients after the changes users make through the services.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlmodel import Session, delete, select

from matching.db import get_engine
from matching.engine.context import limits_for
from matching.engine.counts import scan_clients
from matching.engine.profile import (
    Basis,
    count_pool,
    current_basis,
    is_current,
    paused,
    stored,
)
from matching.engine.rows import dwelling_facts
from matching.engine.rules import RULE_NAMES
from matching.engine.suggest import suggest
from matching.models import (
    Client,
    PoolGroupTotal,
    PoolProfile,
    PoolProfileBasis,
    Proposal,
)
from matching.parameters import year_parameters
from matching.services.clients import (
    approve_client,
    hold_client,
    register_client,
    resume_client,
    update_client,
    withdraw_client,
)
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.errors import Conflict
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from matching.workflow import TransitionNotAllowed
from tests import conftest
from tests.factories import ClientData, DwellingData, make_user
from tests.races import race_in_sessions

NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)


def assert_profile_is_a_recount(session: Session) -> None:
    connection = session.connection()
    basis = current_basis(connection)
    assert basis is not None, "the first commit that changed a client builds the profile"
    assert stored(connection) == count_pool(connection, basis)


def _users(session: Session) -> dict[str, Any]:
    return {"provider": make_user(session, "Lister", "care_provider"),
            "matcher": make_user(session, "Het Vierde Huis", "matcher")}


# What a care provider or the agency does to a client, drawn at random below.
OPERATIONS = ("register", "approve", "edit", "hold", "resume", "withdraw")
EDITS = st.fixed_dictionaries({
    "adults": st.integers(1, 2), "children": st.integers(0, 3),
    "birth_year": st.integers(1950, 2007), "annual_income": st.integers(9_000, 40_000),
    "needs": st.lists(st.sampled_from(("ground_floor", "lift", "wheelchair")), unique=True,
                      max_size=2),
    "excluded_wijken": st.lists(st.sampled_from(("Overvecht", "Zuid", "Oost")), unique=True,
                                max_size=2),
    "flip_lease_ok": st.booleans(),
    "target_group": st.sampled_from(("mobw_uitstroom", "mobw_instroom", "jongvolwassene")),
})


def _apply(session: Session, users: dict[str, Any], operation: str, pick: int,
           edit: dict[str, Any]) -> None:
    clients = session.exec(select(Client).order_by(Client.id)).all()  # type: ignore[arg-type]
    if operation == "register" or not clients:
        register_client(session, data=ClientData(**edit), actor=users["provider"], now=NOW)
        return
    client = clients[pick % len(clients)]
    calls: dict[str, Callable[[], Any]] = {
        "approve": lambda: approve_client(session, client_id=client.id, actor=users["matcher"],
                                          waiting_since=date(2025, 1, 1) + timedelta(pick),
                                          now=NOW),
        "edit": lambda: update_client(session, client_id=client.id, actor=users["provider"],
                                      data=ClientData(reference=client.reference, **edit)),
        "hold": lambda: hold_client(session, client_id=client.id, actor=users["matcher"],
                                    reason="test", now=NOW),
        "resume": lambda: resume_client(session, client_id=client.id, actor=users["matcher"],
                                        now=NOW),
        "withdraw": lambda: withdraw_client(session, client_id=client.id, reason="test",
                                            actor=users["matcher"], now=NOW),
    }
    try:
        calls[operation]()
    except (TransitionNotAllowed, Conflict):
        session.rollback()  # not possible in the client's state: nothing changed
    except Exception as error:  # a refusal with a reason (ValidationFailed and the like)
        if type(error).__name__ not in ("ValidationFailed", "PermissionDenied"):
            raise
        session.rollback()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 50), EDITS),
                      min_size=4, max_size=14))
def test_every_commit_that_changes_a_client_keeps_the_profile_equal_to_a_recount(
    reference: Session, steps: list[tuple[str, int, dict[str, Any]]]
):
    with Session(reference.get_bind(), expire_on_commit=False) as session:
        for model in (PoolProfile, PoolGroupTotal, PoolProfileBasis):
            session.exec(delete(model))  # type: ignore[call-overload]
        session.commit()
        users = _users(session)
        first = register_client(session, data=ClientData(), actor=users["provider"], now=NOW)
        approve_client(session, client_id=first.id, actor=users["matcher"], now=NOW)
        assert sum(stored(session.connection()).profiles.values()) >= 1  # examples add up
        for operation, pick, edit in steps:
            _apply(session, users, operation, pick, edit)
            assert_profile_is_a_recount(session)
        session.commit()


def test_a_commit_touching_no_waiting_client_leaves_the_profile_unread(reference: Session):
    """Registering a client (not waiting yet) needs nothing of the profile; approving one
    (now waiting) moves it."""
    users = _users(reference)
    register_client(reference, data=ClientData(), actor=users["provider"], now=NOW)
    engine = reference.get_bind()
    statements: list[str] = []

    def note(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        client = register_client(reference, data=ClientData(), actor=users["provider"], now=NOW)
        registering = list(statements)
        statements.clear()
        approve_client(reference, client_id=client.id, actor=users["matcher"], now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert any("INSERT INTO client " in statement for statement in registering)
    assert not [s for s in registering if "pool_profile" in s or "pool_group_total" in s]
    assert any("pool_profile" in statement for statement in statements)
    assert_profile_is_a_recount(reference)


def test_the_letting_loop_keeps_the_profile_equal_to_a_recount(reference: Session):
    """Proposing takes clients out of the pool, a rejection and the accepted round put the
    others back, the offer and the letting leave it as it is: after every step the profile
    is what a recount gives."""
    users = {**_users(reference), "corporation": make_user(reference, "Mitros", "corporation")}
    clients = []
    for _ in range(3):
        client = register_client(reference, data=ClientData(), actor=users["provider"], now=NOW)
        approve_client(reference, client_id=client.id, actor=users["matcher"], now=NOW)
        clients.append(client)
    dwelling = create_dwelling(reference, data=DwellingData(), actor=users["corporation"])
    submit_dwelling(reference, dwelling_id=dwelling.id, actor=users["corporation"])
    waiting_before = sum(stored(reference.connection()).profiles.values())
    steps: list[Callable[[], Any]] = [
        lambda: propose_candidates(reference, dwelling_id=dwelling.id,
                                   client_ids=[c.id for c in clients], actor=users["matcher"],
                                   motivation="chosen by hand in a test"),
        lambda: decide_candidate(reference, proposal_id=_round(reference, dwelling.id),
                                 client_id=clients[0].id, decision="reject",
                                 reason_code="size_mismatch", motivation="te klein",
                                 actor=users["corporation"]),
        lambda: decide_candidate(reference, proposal_id=_round(reference, dwelling.id),
                                 client_id=clients[1].id, decision="accept",
                                 actor=users["corporation"]),
        lambda: record_offer_answer(reference, dwelling_id=dwelling.id, answer="accepted",
                                    actor=users["matcher"]),
        lambda: let_dwelling(reference, dwelling_id=dwelling.id, lease_start=NOW.date(),
                             lease_type="direct", actor=users["corporation"]),
    ]
    for step in steps:
        step()
        assert_profile_is_a_recount(reference)
    # The rejected and the unchosen candidate are back; the housed one is gone.
    assert sum(stored(reference.connection()).profiles.values()) == waiting_before - 1


def _round(session: Session, dwelling_id: int) -> int:
    return session.exec(select(Proposal.id).where(Proposal.dwelling_id == dwelling_id)
                        ).one()  # type: ignore[return-value]


def test_a_rolled_back_transaction_or_savepoint_leaves_the_profile_as_it_was(
    reference: Session
):
    users = _users(reference)
    client = register_client(reference, data=ClientData(), actor=users["provider"], now=NOW)
    approve_client(reference, client_id=client.id, actor=users["matcher"], now=NOW)
    before = stored(reference.connection())
    reference.commit()
    assert sum(before.profiles.values()) == 1

    row = reference.get(Client, client.id)
    assert row is not None
    with reference.begin_nested():
        row.adults = 2
        reference.flush()
        reference.rollback()  # the savepoint only
    row.annual_income = 39_000
    reference.flush()
    reference.rollback()
    assert stored(reference.connection()) == before
    assert_profile_is_a_recount(reference)


def test_the_engine_scans_while_the_profile_is_classified_for_other_limits_and_the_tick_fixes_it(
    reference: Session
):
    users = _users(reference)
    corporation = make_user(reference, "Mitros", "corporation")
    for income in (14_000, 23_000, 30_000):
        client = register_client(reference, data=ClientData(annual_income=income),
                                 actor=users["provider"], now=NOW)
        approve_client(reference, client_id=client.id, actor=users["matcher"], now=NOW)
    dwelling = create_dwelling(reference, data=DwellingData(), actor=corporation, now=NOW)
    dwelling = submit_dwelling(reference, dwelling_id=dwelling.id, actor=corporation, now=NOW)

    # A profile classified under limits no year has: the engine must not read it.
    reference.exec(delete(PoolProfileBasis))  # type: ignore[call-overload]
    reference.add(PoolProfileBasis(year=NOW.year, income_limit_single=1, income_limit_multi=1,
                                   youth_min_age=18, youth_age=23, senior_age=55))
    reference.commit()
    today = NOW.date()
    parameters = year_parameters(reference, today.year)
    limits = limits_for(parameters, today)
    assert not is_current(reference.connection(), limits)
    result = suggest(reference, dwelling, today=today)
    scanned = scan_clients(reference, dwelling_facts(reference, dwelling), limits)
    assert result.waiting == 3
    assert result.excluded == {name: scanned[name] for name in RULE_NAMES}

    report = run_tick(reference, now=NOW)
    assert report.pool_profile_rebuilt
    assert current_basis(reference.connection()) == Basis(
        today.year, parameters.housing_benefit_income_limit_single,
        parameters.housing_benefit_income_limit_multi, 18, 23, 55)
    assert_profile_is_a_recount(reference)
    assert suggest(reference, dwelling, today=today).excluded == result.excluded
    assert not run_tick(reference, now=NOW).pool_profile_rebuilt


def test_a_bulk_load_leaves_the_profile_aside_and_rebuilds_it_once_at_the_end(
    reference: Session
):
    """The demo's thousands of commits do not adjust the profile one by one: meanwhile the
    engine scans, and afterwards the profile is a recount again."""
    users = _users(reference)
    client = register_client(reference, data=ClientData(), actor=users["provider"], now=NOW)
    approve_client(reference, client_id=client.id, actor=users["matcher"], now=NOW)
    assert sum(stored(reference.connection()).profiles.values()) == 1
    with paused(reference):
        for income in (14_000, 30_000):
            added = register_client(reference, data=ClientData(annual_income=income),
                                    actor=users["provider"], now=NOW)
            approve_client(reference, client_id=added.id, actor=users["matcher"], now=NOW)
        withdraw_client(reference, client_id=client.id, reason="test", actor=users["matcher"],
                        now=NOW)
        # No basis while paused, so the engine cannot read a profile that lags behind.
        assert current_basis(reference.connection()) is None
        assert not run_tick(reference, now=NOW).pool_profile_rebuilt
    assert_profile_is_a_recount(reference)
    assert sum(stored(reference.connection()).profiles.values()) == 2


@pytest.mark.skipif(not conftest.POSTGRES_URL, reason="concurrent writers need PostgreSQL")
def test_concurrent_writers_on_postgresql_leave_the_profile_equal_to_a_recount(
    migrated_pg_url: str
):
    with Session(get_engine(migrated_pg_url), expire_on_commit=False) as session:
        users = _users(session)
        ids = [register_client(session, data=ClientData(), actor=users["provider"],
                               now=NOW).id for _ in range(12)]

    def approve_and_edit(client_id: int) -> Callable[[Session], Any]:
        def run(session: Session) -> Any:
            approve_client(session, client_id=client_id, actor=users["matcher"], now=NOW)
            client = session.get(Client, client_id)
            assert client is not None
            return update_client(session, client_id=client_id, actor=users["provider"],
                                 data=ClientData(reference=client.reference,
                                                 adults=1 + client_id % 2))
        return run

    outcomes = race_in_sessions(migrated_pg_url, *(approve_and_edit(i) for i in ids),
                                allowed=())
    assert all(isinstance(outcome, Client) for outcome in outcomes)
    with Session(get_engine(migrated_pg_url)) as session:
        assert_profile_is_a_recount(session)
        assert sum(stored(session.connection()).profiles.values()) == len(ids)
