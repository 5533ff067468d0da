"""Every (state, trigger) pair of every machine: it moves the row, or it is refused by name.

The expected tables are written out by hand from product.md section 4 (and the TRANSITIONS
lists of `matching/workflow/`), not derived from the machines, so a change to a machine
that the product does not describe makes one of these tests fail.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, func, select

from matching.models import (
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    Dwelling,
    DwellingEvent,
    Lease,
    LeaseEvent,
    Proposal,
    ProposalEvent,
)
from matching.workdays import add_working_days
from matching.workflow import TransitionNotAllowed, allowed_triggers, fire
from matching.workflow import client as client_machine
from matching.workflow import dwelling as dwelling_machine
from matching.workflow import lease as lease_machine
from matching.workflow import proposal as proposal_machine
from matching.workflow.engine import workflow_for

NOW = datetime(2019, 11, 4, 10, tzinfo=UTC)
# Long enough before NOW that the release deadline (30 working days) has passed.
SUBMITTED_LONG_AGO = datetime(2019, 8, 1, 10, tzinfo=UTC)

# --- the expected tables: state -> {trigger: destination} ------------------------------------

DWELLING_STATES = [
    "draft", "submitted", "proposed", "matched", "offer_accepted", "let", "withdrawn", "released",
]
DWELLING_TRIGGERS = [
    "submit", "propose", "reopen", "match", "accept_offer", "decline_offer", "let", "withdraw",
    "release",
]
DWELLING_TABLE: dict[str, dict[str, str]] = {
    "draft": {"submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"propose": "proposed", "withdraw": "withdrawn", "release": "released"},
    "proposed": {
        "reopen": "submitted", "match": "matched", "withdraw": "withdrawn",
    },
    "matched": {"accept_offer": "offer_accepted", "decline_offer": "submitted"},
    "offer_accepted": {"let": "let", "reopen": "submitted"},
    "let": {},
    "withdrawn": {},
    "released": {},
}

ROUND_STATES = ["open", "overdue", "accepted", "rejected", "cancelled"]
ROUND_TRIGGERS = ["escalate", "extend", "accept", "reject", "cancel"]
ROUND_TABLE: dict[str, dict[str, str]] = {
    "open": {
        "escalate": "overdue", "extend": "open", "accept": "accepted", "reject": "rejected",
        "cancel": "cancelled",
    },
    # Overdue is escalated, not closed: the corporation can still decide, and the agency can
    # give it more time.
    "overdue": {
        "extend": "open", "accept": "accepted", "reject": "rejected", "cancel": "cancelled",
    },
    "accepted": {},
    "rejected": {},
    "cancelled": {},
}

CANDIDATE_STATES = ["pending", "accepted", "rejected", "not_chosen", "withdrawn"]
CANDIDATE_TRIGGERS = ["accept", "reject", "pass_over", "withdraw"]
CANDIDATE_TABLE: dict[str, dict[str, str]] = {
    "pending": {
        "accept": "accepted", "reject": "rejected", "pass_over": "not_chosen",
        "withdraw": "withdrawn",
    },
    "accepted": {},
    "rejected": {},
    "not_chosen": {},
    "withdrawn": {},
}

CLIENT_STATES = [
    "registered", "waiting", "proposed", "matched", "offer_accepted", "housed", "offer_refused",
    "on_hold", "withdrawn",
]
CLIENT_TRIGGERS = [
    "approve", "propose", "requeue", "match", "accept_offer", "decline_offer", "refuse_offer",
    "house", "reinstate", "hold", "resume", "withdraw", "house_in_place",
]
CLIENT_TABLE: dict[str, dict[str, str]] = {
    "registered": {"approve": "waiting", "withdraw": "withdrawn", "house_in_place": "housed"},
    "waiting": {"propose": "proposed", "hold": "on_hold", "withdraw": "withdrawn",
                "house_in_place": "housed"},
    "proposed": {"requeue": "waiting", "match": "matched", "withdraw": "withdrawn"},
    "matched": {
        "accept_offer": "offer_accepted", "decline_offer": "waiting",
        "refuse_offer": "offer_refused", "withdraw": "withdrawn",
    },
    # The machine gives an accepted offer no way out but housing (see the report).
    "offer_accepted": {"house": "housed", "withdraw": "withdrawn"},
    "housed": {},
    "offer_refused": {"reinstate": "waiting", "withdraw": "withdrawn",
                      "house_in_place": "housed"},
    "on_hold": {"resume": "waiting", "withdraw": "withdrawn", "house_in_place": "housed"},
    "withdrawn": {},
}

LEASE_STATES = ["active", "review_due", "extended", "transferred", "ending", "ended"]
LEASE_TRIGGERS = ["due", "transfer", "transfer_in_place", "extend", "approach_end", "end"]
_END_FROM_ANY_OPEN_STATE = {
    state: {"end": "ended"}
    for state in ("active", "review_due", "extended", "transferred", "ending")
}
LEASE_TABLES: dict[str, dict[str, dict[str, str]]] = {
    "flip": {
        "active": {"due": "review_due", "end": "ended"},
        "review_due": {"transfer": "transferred", "extend": "extended", "end": "ended"},
        "extended": {"due": "review_due", "end": "ended"},
        "transferred": {"end": "ended"},
        "ending": {"end": "ended"},
        "ended": {},
    },
    "campus": {
        **_END_FROM_ANY_OPEN_STATE,
        "active": {"approach_end": "ending", "end": "ended"},
        "ended": {},
    },
    "direct": {**_END_FROM_ANY_OPEN_STATE, "ended": {}},
}
# An institution dwelling registered as flipped passes to the client at once from `active`;
# otherwise it is a flip lease like any other.
INSTITUTION_FLIP_TABLE = {
    **LEASE_TABLES["flip"],
    "active": {**LEASE_TABLES["flip"]["active"], "transfer_in_place": "transferred"},
}

# The data each trigger's action needs (guards and actions read it from the event).
TRIGGER_DATA: dict[str, dict[str, Any]] = {
    "transfer": {"on": date(2021, 10, 1)},
    "transfer_in_place": {"on": date(2019, 9, 1)},
    # A lease's review moves; a round's deadline moves.
    "extend": {"review_on": date(2022, 6, 1), "deadline": date(2019, 11, 15)},
    "end": {"on": date(2021, 12, 31), "reason": "tenant moved"},
}

# --- rows -------------------------------------------------------------------------------------


def new_dwelling(state: str) -> Dwelling:
    return Dwelling(
        corporation_id=1, address="Teststraat 1, Utrecht", postcode="3531AB", wijk="Overvecht",
        rooms=2, floor_area_m2=48, rent=Decimal("560.00"), designation="uitstroom",
        lease_type="direct", available_from=date(2019, 9, 1), state=state,
        submitted_at=SUBMITTED_LONG_AGO if state != "draft" else None,
    )


def new_round(state: str) -> Proposal:
    return Proposal(dwelling_id=1, round_no=1, state=state, deadline=date(2019, 11, 8))


def new_candidate(state: str) -> Candidate:
    return Candidate(proposal_id=1, client_id=1, dwelling_id=1, position=1, state=state)


def new_client(state: str) -> Client:
    return Client(
        care_provider_id=1, reference="REF-1", target_group="mobw_uitstroom", birth_year=1985,
        annual_income=16000, registered_on=date(2019, 6, 1), state=state,
        # Every state after approval has a waiting start (a database check enforces it).
        waiting_since=None if state in ("registered", "withdrawn") else date(2019, 6, 10),
    )


def new_lease(lease_type: str, state: str, *, institution: bool = False) -> Lease:
    return Lease(
        corporation_id=1, lease_type=lease_type, start_on=date(2019, 9, 1), state=state,
        is_institution=institution,
        review_on=date(2021, 9, 1) if lease_type == "flip" else None,
        end_on=date(2024, 9, 1) if lease_type == "campus" else None,
    )


MACHINES: dict[str, dict[str, Any]] = {
    "dwelling": {
        "states": DWELLING_STATES, "triggers": DWELLING_TRIGGERS, "table": DWELLING_TABLE,
        "make": new_dwelling, "event": DwellingEvent, "key": "dwelling_id",
    },
    "proposal": {
        "states": ROUND_STATES, "triggers": ROUND_TRIGGERS, "table": ROUND_TABLE,
        "make": new_round, "event": ProposalEvent, "key": "proposal_id",
    },
    "candidate": {
        "states": CANDIDATE_STATES, "triggers": CANDIDATE_TRIGGERS, "table": CANDIDATE_TABLE,
        "make": new_candidate, "event": CandidateEvent, "key": "candidate_id",
    },
    "client": {
        "states": CLIENT_STATES, "triggers": CLIENT_TRIGGERS, "table": CLIENT_TABLE,
        "make": new_client, "event": ClientEvent, "key": "client_id",
        # Fired only inside an institution flip, so not offered among a client's next steps.
        "unlisted": {"house_in_place"},
    },
}
for _type, _table in LEASE_TABLES.items():
    MACHINES[f"{_type} lease"] = {
        "states": LEASE_STATES, "triggers": LEASE_TRIGGERS, "table": _table,
        "make": lambda state, _t=_type: new_lease(_t, state), "event": LeaseEvent,
        "key": "lease_id", "workflow": "lease",
    }
MACHINES["institution flip lease"] = {
    "states": LEASE_STATES, "triggers": LEASE_TRIGGERS, "table": INSTITUTION_FLIP_TABLE,
    "make": lambda state: new_lease("flip", state, institution=True), "event": LeaseEvent,
    "key": "lease_id", "workflow": "lease",
    # Fired only inside the institution flip's registration, so not offered as a next step.
    "unlisted": {"transfer_in_place"},
}


def _pairs() -> Iterator[Any]:
    for name, machine in MACHINES.items():
        for state in machine["states"]:
            for trigger in machine["triggers"]:
                dest = machine["table"][state].get(trigger)
                outcome = f"to-{dest}" if dest else "refused"
                yield pytest.param(
                    name, state, trigger, dest,
                    id=f"{name.replace(' ', '_')}-{state}-{trigger}-{outcome}",
                )


def _states() -> Iterator[Any]:
    for name, machine in MACHINES.items():
        for state in machine["states"]:
            yield pytest.param(name, state, id=f"{name.replace(' ', '_')}-{state}")


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    """One in-memory database for the module; every test rolls its rows back."""
    engine = create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        yield session
        session.rollback()


def _place(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def _pending_events(session: Session) -> list[Any]:
    return [obj for obj in session.new if type(obj).__name__.endswith("Event")]


# --- the tables are complete -----------------------------------------------------------------


@pytest.mark.parametrize("name", list(MACHINES))
def test_the_expected_table_names_every_state_and_trigger_of_the_machine(name: str):
    machine = MACHINES[name]
    row = machine["make"](machine["states"][0])
    workflow = workflow_for(row)
    assert list(workflow.machine.events) == machine["triggers"]
    assert list(workflow.machine.states) == machine["states"]
    assert set(machine["table"]) == set(machine["states"])
    for moves in machine["table"].values():
        assert set(moves) <= set(machine["triggers"])
        assert set(moves.values()) <= set(machine["states"])


def test_the_transitions_lists_name_no_trigger_outside_the_expected_tables():
    listed = {
        "dwelling": {t["trigger"] for t in dwelling_machine.TRANSITIONS},
        "proposal": {t["trigger"] for t in proposal_machine.ROUND_TRANSITIONS},
        "candidate": {t["trigger"] for t in proposal_machine.CANDIDATE_TRANSITIONS},
        "client": {t["trigger"] for t in client_machine.TRANSITIONS},
        "flip lease": {t["trigger"] for t in lease_machine.TRANSITIONS},
    }
    for name, triggers in listed.items():
        assert triggers == set(MACHINES[name]["triggers"])


# --- every pair ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "state", "trigger", "dest"), list(_pairs()))
def test_each_trigger_moves_the_row_or_is_refused_naming_the_state_and_the_allowed_triggers(
    session: Session, name: str, state: str, trigger: str, dest: str | None
):
    machine = MACHINES[name]
    row = _place(session, machine["make"](state))
    expected_allowed = set(machine["table"][state]) - machine.get("unlisted", set())
    data = TRIGGER_DATA.get(trigger, {})

    if dest is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            fire(row, trigger, actor=None, now=NOW, **data)
        error = refused.value
        assert error.workflow == machine.get("workflow", name)
        assert (error.state, error.trigger) == (state, trigger)
        assert set(error.allowed) == expected_allowed
        assert len(error.allowed) == len(expected_allowed)
        assert f"'{state}'" in str(error) and f"'{trigger}'" in str(error)
        assert row.state == state
        assert _pending_events(session) == []
        return

    event = fire(row, trigger, actor=None, now=NOW, **data)
    assert row.state == dest
    assert isinstance(event, machine["event"])
    assert (event.from_state, event.to_state, event.trigger) == (state, dest, trigger)
    assert getattr(event, machine["key"]) == row.id
    assert event.at == NOW
    assert _pending_events(session) == [event]


@pytest.mark.parametrize(("name", "state"), list(_states()))
def test_allowed_triggers_lists_exactly_the_triggers_of_the_expected_table(
    session: Session, name: str, state: str
):
    machine = MACHINES[name]
    row = _place(session, machine["make"](state))
    allowed = allowed_triggers(row, now=NOW)
    expected = [t for t in machine["triggers"]
                if t in machine["table"][state] and t not in machine.get("unlisted", set())]
    assert allowed == expected


@pytest.mark.parametrize("name", list(MACHINES))
def test_an_unknown_trigger_is_refused_with_the_allowed_triggers(session: Session, name: str):
    machine = MACHINES[name]
    state = machine["states"][0]
    row = _place(session, machine["make"](state))
    with pytest.raises(TransitionNotAllowed) as refused:
        fire(row, "fly_to_the_moon", actor=None, now=NOW)
    assert (refused.value.state, refused.value.trigger) == (state, "fly_to_the_moon")
    listed = set(machine["table"][state]) - machine.get("unlisted", set())
    assert set(refused.value.allowed) == listed
    assert row.state == state
    assert _pending_events(session) == []


# --- guards -----------------------------------------------------------------------------------


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def test_release_is_refused_one_working_day_before_the_deadline(session: Session):
    dwelling = _place(session, new_dwelling("submitted"))
    deadline = add_working_days(SUBMITTED_LONG_AGO.date(), 30)
    day_before = add_working_days(SUBMITTED_LONG_AGO.date(), 29)
    assert day_before < deadline
    assert "release" not in allowed_triggers(dwelling, now=_at(day_before))
    with pytest.raises(TransitionNotAllowed) as refused:
        fire(dwelling, "release", actor=None, now=_at(day_before))
    assert refused.value.state == "submitted"
    assert set(refused.value.allowed) == {"propose", "withdraw"}
    assert dwelling.state == "submitted"
    assert _pending_events(session) == []


def test_release_is_allowed_on_the_thirtieth_working_day_after_submission(session: Session):
    dwelling = _place(session, new_dwelling("submitted"))
    deadline = add_working_days(SUBMITTED_LONG_AGO.date(), 30)
    assert "release" in allowed_triggers(dwelling, now=_at(deadline))
    event = fire(dwelling, "release", actor=None, now=_at(deadline))
    assert (event.from_state, event.to_state) == ("submitted", "released")
    assert dwelling.state == "released"


def test_release_counts_working_days_not_calendar_days(session: Session):
    dwelling = _place(session, new_dwelling("submitted"))
    thirty_calendar_days_on = SUBMITTED_LONG_AGO + timedelta(days=30)
    assert "release" not in allowed_triggers(dwelling, now=thirty_calendar_days_on)
    with pytest.raises(TransitionNotAllowed):
        fire(dwelling, "release", actor=None, now=thirty_calendar_days_on)
    assert dwelling.state == "submitted"


def test_release_follows_a_deadline_given_with_the_trigger(session: Session):
    dwelling = _place(session, new_dwelling("submitted"))
    five_days_on = _at(add_working_days(SUBMITTED_LONG_AGO.date(), 5))
    with pytest.raises(TransitionNotAllowed):
        fire(dwelling, "release", actor=None, now=five_days_on)
    fire(dwelling, "release", actor=None, now=five_days_on, release_after=5)
    assert dwelling.state == "released"


def test_release_is_refused_for_a_submitted_dwelling_without_a_submission_moment(
    session: Session,
):
    dwelling = new_dwelling("submitted")
    dwelling.submitted_at = None
    _place(session, dwelling)
    with pytest.raises(TransitionNotAllowed):
        fire(dwelling, "release", actor=None, now=NOW)
    assert dwelling.state == "submitted"


def test_submit_stamps_the_moment_and_the_quarter_of_submission(session: Session):
    dwelling = _place(session, new_dwelling("draft"))
    fire(dwelling, "submit", actor=None, now=datetime(2019, 7, 1, 9, tzinfo=UTC))
    assert dwelling.submitted_at == datetime(2019, 7, 1, 9, tzinfo=UTC)
    assert dwelling.quarter == "2019Q3"


def test_approve_starts_the_waiting_clock_at_approval_or_at_the_given_date(session: Session):
    first = _place(session, new_client("registered"))
    fire(first, "approve", actor=None, now=NOW)
    assert first.waiting_since == NOW.date()
    second = new_client("registered")
    second.reference = "REF-2"
    _place(session, second)
    fire(second, "approve", actor=None, now=NOW, waiting_since=date(2019, 6, 1))
    assert second.waiting_since == date(2019, 6, 1)


def test_transfer_makes_the_client_the_tenant_from_the_given_date(session: Session):
    lease = new_lease("flip", "review_due")
    lease.tenant_care_provider_id = 7
    _place(session, lease)
    fire(lease, "transfer", actor=None, now=NOW, on=date(2021, 10, 1))
    assert (lease.transferred_on, lease.tenant_care_provider_id) == (date(2021, 10, 1), None)


def test_extend_sets_the_new_review_date_and_end_sets_the_end_date(session: Session):
    lease = _place(session, new_lease("flip", "review_due"))
    fire(lease, "extend", actor=None, now=NOW, review_on=date(2022, 6, 1), reason="not ready")
    assert (lease.state, lease.review_on) == ("extended", date(2022, 6, 1))
    fire(lease, "end", actor=None, now=NOW, on=date(2022, 1, 31), reason="moved")
    assert (lease.state, lease.ended_on) == ("ended", date(2022, 1, 31))


def test_extending_a_round_keeps_the_old_deadline_and_is_refused_a_second_time(
    session: Session,
):
    proposal = _place(session, new_round("overdue"))
    fire(proposal, "extend", actor=None, now=NOW, deadline=date(2019, 11, 15), reason="ill")
    assert (proposal.state, proposal.deadline, proposal.original_deadline) == (
        "open", date(2019, 11, 15), date(2019, 11, 8))
    with pytest.raises(TransitionNotAllowed) as refused:
        fire(proposal, "extend", actor=None, now=NOW, deadline=date(2019, 11, 22))
    assert "extend" not in refused.value.allowed
    assert proposal.deadline == date(2019, 11, 15)


# --- the event and the transaction --------------------------------------------------------------


def test_fire_writes_the_event_in_the_session_and_does_not_commit(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'events.sqlite'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as setup:
        setup.add(new_dwelling("draft"))
        setup.commit()

    with Session(engine) as session:
        dwelling = session.exec(select(Dwelling)).one()
        event = fire(dwelling, "submit", actor=None, now=NOW, note="first quarter")
        assert event in session.new
        assert (event.dwelling_id, event.data) == (dwelling.id, {"note": "first quarter"})
        session.flush()
        assert session.exec(select(func.count()).select_from(DwellingEvent)).one() == 1
        # Another connection sees nothing: fire did not commit.
        with Session(engine) as other:
            assert other.exec(select(func.count()).select_from(DwellingEvent)).one() == 0
            assert other.exec(select(Dwelling.state)).one() == "draft"
        session.rollback()
        assert session.exec(select(func.count()).select_from(DwellingEvent)).one() == 0
        assert session.exec(select(Dwelling.state)).one() == "draft"
    engine.dispose()


def test_fire_records_the_actor_and_json_safe_data(session: Session):
    class Actor:
        id = 42

    client = _place(session, new_client("registered"))
    event = fire(client, "approve", actor=Actor(), now=NOW, waiting_since=date(2019, 6, 1),
                 amount=Decimal("1.50"))
    assert event.actor_user_id == 42
    assert event.data == {"waiting_since": "2019-06-01", "amount": "1.50"}
    session.flush()
    assert session.get(ClientEvent, event.id) is event


def test_fire_refuses_a_row_that_is_not_in_a_session():
    with pytest.raises(RuntimeError):
        fire(new_client("registered"), "approve", actor=None, now=NOW)
