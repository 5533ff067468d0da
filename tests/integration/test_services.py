"""Each rule and refusal of the services, on SQLite and (when configured) PostgreSQL.

After every refusal the test checks that nothing was half-written: every workflow row keeps
every field and no event row was added, both as the database holds it (a fresh session) and as
the caller's session holds it (a caller that goes on with the same session must not commit
half of a refused change).
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import Session, func, select

from matching.models import (
    AccessLog,
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    Dwelling,
    DwellingEvent,
    Lease,
    LeaseEvent,
    Notice,
    Notification,
    OutboxMail,
    Proposal,
    ProposalEvent,
    User,
)
from matching.services.clients import (
    approve_client,
    hold_client,
    read_client,
    register_client,
    reinstate_client,
    resume_client,
    update_client,
    withdraw_client,
)
from matching.services.dwellings import (
    create_dwelling,
    record_offer_answer,
    release_dwelling,
    submit_dwelling,
    update_dwelling,
    withdraw_dwelling,
)
from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.leases import end_lease, extend_lease, let_dwelling, transfer_lease
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from matching.workdays import UTRECHT, add_working_days
from matching.workflow import TransitionNotAllowed
from tests.factories import ClientData, DwellingData
from tests.world import LEASE_START, World, at


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


# --- nothing half-written -----------------------------------------------------------------------

_WORKFLOW_MODELS = (Dwelling, Client, Proposal, Candidate, Lease)
# A refused change tells nobody anything either: no notice, notification or mail.
_LOG_MODELS = (DwellingEvent, ClientEvent, ProposalEvent, CandidateEvent, LeaseEvent, AccessLog,
               Notice, Notification, OutboxMail)


def _value(value: Any) -> Any:
    """One spelling of a moment, whether read back naive (SQLite) or held aware."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _snapshot(session: Session) -> dict[str, Any]:
    picture: dict[str, Any] = {}
    for model in _WORKFLOW_MODELS:
        # Whole rows: a refused change must not leave even one field edited.
        rows = session.exec(select(model)).all()
        picture[model.__tablename__] = sorted(
            repr(sorted((k, _value(v)) for k, v in row.model_dump().items())) for row in rows)
    for model in _LOG_MODELS:
        picture[model.__tablename__] = session.exec(
            select(func.count()).select_from(model)
        ).one()
    return picture


def snapshot(session: Session) -> dict[str, Any]:
    """What the database holds now, read in a fresh session."""
    with Session(session.get_bind()) as fresh:
        return _snapshot(fresh)


def assert_nothing_written(session: Session, before: dict[str, Any]) -> None:
    """Neither the database nor the caller's session holds any part of the refused change."""
    assert snapshot(session) == before, "the database holds part of a refused change"
    assert _snapshot(session) == before, "the caller's session holds part of a refused change"


def refused(world: World, error: type[Exception], call: Callable[[], Any]) -> Exception:
    """Run a call that must be refused with `error`; check that nothing was written."""
    before = snapshot(world.session)
    with pytest.raises(error) as caught:
        call()
    assert_nothing_written(world.session, before)
    return caught.value


def invalid(world: World, call: Callable[[], Any], *fields: str) -> ValidationFailed:
    error = refused(world, ValidationFailed, call)
    assert isinstance(error, ValidationFailed)
    assert set(fields) <= set(error.fields), error.fields
    return error


# --- roles ----------------------------------------------------------------------------------

# action -> (roles that may not do it, prepare(world) -> call(actor)). Each prepares the
# object in a state where the right role would succeed, so only the role is wrong.
_Call = Callable[[User], Any]


def _create_dwelling(w: World) -> _Call:
    return lambda a: create_dwelling(w.session, data=DwellingData(), actor=a)


def _submit_dwelling(w: World) -> _Call:
    d = w.draft()
    return lambda a: submit_dwelling(w.session, dwelling_id=d.id, actor=a)


def _withdraw_dwelling(w: World) -> _Call:
    d = w.submitted()
    return lambda a: withdraw_dwelling(w.session, dwelling_id=d.id, reason="sold", actor=a)


def _release_dwelling(w: World) -> _Call:
    d = w.submitted()
    return lambda a: release_dwelling(w.session, dwelling_id=d.id, actor=a,
                                      now=at(date(2019, 12, 2)))


def _register_client(w: World) -> _Call:
    return lambda a: register_client(w.session, data=ClientData(), actor=a)


def _approve_client(w: World) -> _Call:
    c = w.registered()
    return lambda a: approve_client(w.session, client_id=c.id, actor=a)


def _read_client(w: World) -> _Call:
    c = w.waiting()
    return lambda a: read_client(w.session, client_id=c.id, actor=a, purpose="test")


def _hold_client(w: World) -> _Call:
    c = w.waiting()
    return lambda a: hold_client(w.session, client_id=c.id, actor=a)


def _withdraw_client(w: World) -> _Call:
    c = w.waiting()
    return lambda a: withdraw_client(w.session, client_id=c.id, reason="moved", actor=a)


def _reinstate_client(w: World) -> _Call:
    c = w.refused()
    return lambda a: reinstate_client(w.session, client_id=c.id, motivation="valid", actor=a)


def _propose_candidates(w: World) -> _Call:
    d, c = w.submitted(), w.waiting()
    return lambda a: propose_candidates(w.session, dwelling_id=d.id, client_ids=[c.id], actor=a)


def _decide_candidate(w: World) -> _Call:
    c = w.waiting()
    p = w.propose(w.submitted(), [c])
    return lambda a: decide_candidate(w.session, proposal_id=p.id, client_id=c.id,
                                      decision="accept", actor=a)


def _record_offer_answer(w: World) -> _Call:
    d, _c = w.matched()
    return lambda a: record_offer_answer(w.session, dwelling_id=d.id, answer="accepted", actor=a)


def _let_dwelling(w: World) -> _Call:
    d, _c = w.offer_accepted()
    return lambda a: let_dwelling(w.session, dwelling_id=d.id, lease_start=LEASE_START,
                                  lease_type="direct", actor=a)


def _transfer_lease(w: World) -> _Call:
    lease = w.due_flip()
    return lambda a: transfer_lease(w.session, lease_id=lease.id, on=date(2021, 10, 1), actor=a)


def _extend_lease(w: World) -> _Call:
    lease = w.due_flip()
    return lambda a: extend_lease(w.session, lease_id=lease.id, review_on=date(2022, 3, 1),
                                  reason="not ready", actor=a)


def _end_lease(w: World) -> _Call:
    lease = w.let("direct")
    return lambda a: end_lease(w.session, lease_id=lease.id, on=date(2020, 1, 31),
                               reason="moved", actor=a)


ROLE_CASES: dict[str, tuple[list[str], Callable[[World], _Call]]] = {
    "create_a_dwelling": (["care_provider", "matcher", "analyst", "admin"], _create_dwelling),
    "submit_a_dwelling": (["care_provider", "matcher", "analyst", "admin"], _submit_dwelling),
    "withdraw_a_dwelling": (["care_provider", "matcher", "analyst", "admin"], _withdraw_dwelling),
    "release_a_dwelling": (["care_provider", "matcher", "analyst", "admin"], _release_dwelling),
    "register_a_client": (["corporation", "matcher", "analyst", "admin"], _register_client),
    "approve_a_client": (["corporation", "care_provider", "analyst", "admin"], _approve_client),
    "read_a_client": (["corporation", "analyst", "admin"], _read_client),
    "hold_a_client": (["corporation", "analyst", "admin"], _hold_client),
    "withdraw_a_client": (["corporation", "analyst", "admin"], _withdraw_client),
    "reinstate_a_client": (["corporation", "care_provider", "analyst", "admin"],
                           _reinstate_client),
    "propose_candidates": (["corporation", "care_provider", "analyst", "admin"],
                           _propose_candidates),
    "decide_on_a_candidate": (["matcher", "care_provider", "analyst", "admin"],
                              _decide_candidate),
    "record_the_answer_to_the_offer": (["corporation", "care_provider", "analyst", "admin"],
                                       _record_offer_answer),
    "let_a_dwelling": (["matcher", "care_provider", "analyst", "admin"], _let_dwelling),
    "transfer_a_lease": (["care_provider", "analyst", "admin"], _transfer_lease),
    "extend_a_lease": (["corporation", "matcher", "analyst", "admin"], _extend_lease),
    "end_a_lease": (["matcher", "care_provider", "analyst", "admin"], _end_lease),
}


@pytest.mark.parametrize("action", list(ROLE_CASES))
def test_a_role_that_may_not_do_this_is_refused_and_nothing_is_written(world: World, action: str):
    roles, prepare = ROLE_CASES[action]
    call = prepare(world)
    for role in roles:
        actor = world.as_role(role)
        error = refused(world, PermissionDenied, lambda actor=actor: call(actor))
        assert "role" in str(error), role


def test_an_inactive_user_is_refused_even_with_the_right_role(world: World):
    world.portaal.active = False
    world.session.commit()
    refused(world, PermissionDenied,
            lambda: create_dwelling(world.session, data=DwellingData(), actor=world.portaal))


# --- other organisations' objects are not found ------------------------------------------------


def test_a_corporation_submitting_another_corporations_dwelling_gets_not_found(world: World):
    dwelling = world.draft(world.mitros)
    refused(world, NotFound,
            lambda: submit_dwelling(world.session, dwelling_id=dwelling.id, actor=world.portaal))
    assert world.fresh(Dwelling, dwelling.id).state == "draft"


def test_a_corporation_editing_another_corporations_draft_gets_not_found(world: World):
    dwelling = world.draft(world.mitros)
    refused(world, NotFound, lambda: update_dwelling(
        world.session, dwelling_id=dwelling.id, data=DwellingData(rooms=4), actor=world.portaal))
    assert world.fresh(Dwelling, dwelling.id).rooms == 2


def test_a_corporation_withdrawing_another_corporations_dwelling_gets_not_found(world: World):
    dwelling = world.submitted(world.mitros)
    refused(world, NotFound, lambda: withdraw_dwelling(
        world.session, dwelling_id=dwelling.id, reason="sold", actor=world.portaal))


def test_a_corporation_releasing_another_corporations_dwelling_gets_not_found(world: World):
    dwelling = world.submitted(world.mitros)
    refused(world, NotFound, lambda: release_dwelling(
        world.session, dwelling_id=dwelling.id, actor=world.portaal, now=at(date(2019, 12, 2))))


def test_a_corporation_deciding_on_another_corporations_round_gets_not_found(world: World):
    client = world.waiting()
    proposal = world.propose(world.submitted(world.mitros), [client])
    refused(world, NotFound, lambda: decide_candidate(
        world.session, proposal_id=proposal.id, client_id=client.id, decision="accept",
        actor=world.portaal))
    assert world.fresh(Proposal, proposal.id).state == "open"


def test_a_corporation_letting_another_corporations_dwelling_gets_not_found(world: World):
    dwelling, client = world.matched(world.submitted(world.mitros))
    world.answer(dwelling, "accepted")
    refused(world, NotFound, lambda: let_dwelling(
        world.session, dwelling_id=dwelling.id, lease_start=LEASE_START, lease_type="direct",
        actor=world.portaal))


def test_a_corporation_transferring_or_ending_another_corporations_lease_gets_not_found(
    world: World,
):
    lease = world.due_flip()  # let by Portaal
    refused(world, NotFound, lambda: transfer_lease(
        world.session, lease_id=lease.id, on=date(2021, 10, 1), actor=world.mitros))
    refused(world, NotFound, lambda: end_lease(
        world.session, lease_id=lease.id, on=date(2021, 10, 1), reason="x", actor=world.mitros))
    assert world.fresh(Lease, lease.id).state == "review_due"


def test_a_care_provider_holding_another_providers_client_gets_not_found(world: World):
    client = world.waiting(world.lister)
    refused(world, NotFound,
            lambda: hold_client(world.session, client_id=client.id, actor=world.tussen))
    assert world.fresh(Client, client.id).state == "waiting"


def test_a_care_provider_resuming_or_withdrawing_another_providers_client_gets_not_found(
    world: World,
):
    client = world.waiting(world.lister)
    hold_client(world.session, client_id=client.id, actor=world.lister, now=world.tick())
    refused(world, NotFound,
            lambda: resume_client(world.session, client_id=client.id, actor=world.tussen))
    refused(world, NotFound, lambda: withdraw_client(
        world.session, client_id=client.id, reason="moved", actor=world.tussen))
    assert world.fresh(Client, client.id).state == "on_hold"


def test_a_care_provider_reading_another_providers_client_gets_not_found_and_no_log(
    world: World,
):
    client = world.waiting(world.lister)
    refused(world, NotFound, lambda: read_client(
        world.session, client_id=client.id, actor=world.tussen, purpose="curious"))


def test_a_care_provider_editing_another_providers_client_gets_not_found(world: World):
    client = world.waiting(world.lister)
    refused(world, NotFound, lambda: update_client(
        world.session, client_id=client.id, data=ClientData(), actor=world.tussen))


def test_a_care_provider_extending_another_providers_flip_lease_gets_not_found(world: World):
    lease = world.due_flip()  # the client is Lister's
    refused(world, NotFound, lambda: extend_lease(
        world.session, lease_id=lease.id, review_on=date(2022, 3, 1), reason="not ready",
        actor=world.tussen))


def test_an_unknown_dwelling_or_client_is_not_found(world: World):
    refused(world, NotFound,
            lambda: submit_dwelling(world.session, dwelling_id=999_999, actor=world.portaal))
    refused(world, NotFound,
            lambda: approve_client(world.session, client_id=999_999, actor=world.matcher))


def test_reading_a_client_writes_the_access_log(world: World):
    client = world.waiting(world.lister)
    read_client(world.session, client_id=client.id, actor=world.lister, purpose="review")
    logs = world.session.exec(select(AccessLog).where(
        AccessLog.client_id == client.id, AccessLog.action == "read")).all()
    assert [(log.user_id, log.organisation_id, log.purpose) for log in logs] == [
        (world.lister.id, world.lister.organisation_id, "review")
    ]


# --- validation of dwellings and clients -------------------------------------------------------


def test_a_dwelling_with_a_bad_postcode_is_refused_naming_the_postcode(world: World):
    invalid(world, lambda: create_dwelling(
        world.session, data=DwellingData(postcode="12345"), actor=world.portaal), "postcode")


def test_a_dwelling_in_an_unknown_wijk_is_refused_naming_the_wijk(world: World):
    invalid(world, lambda: create_dwelling(
        world.session, data=DwellingData(wijk="Atlantis"), actor=world.portaal), "wijk")


def test_a_dwelling_in_a_u16_municipality_is_accepted(world: World):
    assert world.draft(wijk="Nieuwegein").wijk == "Nieuwegein"


def test_a_postcode_with_a_space_is_stored_without_it(world: World):
    assert world.draft(postcode="3531 AB").postcode == "3531AB"


def test_a_draft_may_be_edited_but_a_submitted_dwelling_may_not(world: World):
    draft = world.draft()
    update_dwelling(world.session, dwelling_id=draft.id, data=DwellingData(rooms=3),
                    actor=world.portaal)
    assert world.fresh(Dwelling, draft.id).rooms == 3
    dwelling = world.submitted()
    invalid(world, lambda: update_dwelling(
        world.session, dwelling_id=dwelling.id, data=DwellingData(rooms=3), actor=world.portaal),
        "state")


def test_a_client_with_an_unknown_target_group_is_refused_naming_the_target_group(world: World):
    invalid(world, lambda: register_client(
        world.session, data=ClientData(target_group="astronaut"), actor=world.lister),
        "target_group")


def test_a_client_excluding_an_unknown_wijk_is_refused_naming_the_field(world: World):
    invalid(world, lambda: register_client(
        world.session, data=ClientData(excluded_wijken=["Atlantis"]), actor=world.lister),
        "excluded_wijken")


def test_a_reference_used_twice_by_one_provider_is_refused_but_another_provider_may_use_it(
    world: World,
):
    world.registered(world.lister, reference="LIS-001")
    invalid(world, lambda: register_client(
        world.session, data=ClientData(reference="LIS-001"), actor=world.lister), "reference")
    other = world.registered(world.tussen, reference="LIS-001")
    assert other.state == "registered"


def test_a_client_takes_the_phase_of_the_target_group(world: World):
    assert world.registered(target_group="mobw_instroom").phase == "instroom"
    assert world.registered(target_group="statushouder").phase == "uitstroom"


def test_approving_starts_the_waiting_clock_at_approval_or_at_the_referral_date(world: World):
    first = world.registered()
    approve_client(world.session, client_id=first.id, actor=world.matcher, now=at(date(2019, 8, 1)))
    assert (first.state, first.waiting_since) == ("waiting", date(2019, 8, 1))
    second = world.registered()
    approve_client(world.session, client_id=second.id, actor=world.matcher,
                   waiting_since=date(2019, 6, 1), now=at(date(2019, 8, 1)))
    assert second.waiting_since == date(2019, 6, 1)


def test_approving_with_a_waiting_date_in_the_future_is_refused(world: World):
    client = world.registered()
    invalid(world, lambda: approve_client(
        world.session, client_id=client.id, actor=world.matcher, waiting_since=date(2030, 1, 1),
        now=at(date(2019, 8, 1))), "waiting_since")


def test_approving_a_client_twice_is_refused_by_the_machine(world: World):
    client = world.waiting()
    error = refused(world, TransitionNotAllowed,
                    lambda: approve_client(world.session, client_id=client.id,
                                           actor=world.matcher))
    assert isinstance(error, TransitionNotAllowed) and error.state == "waiting"


# --- proposing --------------------------------------------------------------------------------


def test_proposing_four_clients_when_the_round_size_is_three_is_refused(world: World):
    dwelling = world.submitted()
    clients = [world.waiting() for _ in range(4)]
    invalid(world, lambda: world.propose(dwelling, clients), "client_ids")
    assert world.fresh(Dwelling, dwelling.id).state == "submitted"
    assert {world.fresh(Client, c.id).state for c in clients} == {"waiting"}


def test_proposing_no_client_is_refused(world: World):
    dwelling = world.submitted()
    invalid(world, lambda: world.propose(dwelling, []), "client_ids")


def test_proposing_a_client_twice_in_one_round_is_refused(world: World):
    dwelling = world.submitted()
    client = world.waiting()
    invalid(world, lambda: world.propose(dwelling, [client, client]), "client_ids")


def test_proposing_an_unknown_client_is_refused_naming_the_client_ids(world: World):
    dwelling = world.submitted()
    invalid(world, lambda: propose_candidates(
        world.session, dwelling_id=dwelling.id, client_ids=[999_999], actor=world.matcher),
        "client_ids")


def test_a_client_rejected_for_this_dwelling_before_cannot_be_proposed_for_it_again(
    world: World,
):
    dwelling = world.submitted()
    client = world.waiting()
    proposal = world.propose(dwelling, [client])
    world.reject(proposal, client)
    assert world.fresh(Dwelling, dwelling.id).state == "submitted"
    invalid(world, lambda: world.propose(dwelling, [client]), "client_ids")
    # ... but for another dwelling the client may be proposed.
    assert world.propose(world.submitted(), [client]).state == "open"


def test_a_client_who_declined_this_dwelling_cannot_be_proposed_for_it_again(world: World):
    dwelling, client = world.matched()
    world.answer(dwelling, "declined", reason_code="location_unsuitable", valid=True)
    invalid(world, lambda: world.propose(dwelling, [client]), "client_ids")


def test_proposing_others_than_the_suggestions_needs_a_motivation_which_is_stored(
    world: World,
):
    dwelling = world.submitted()
    _first, second = world.waiting(), world.waiting()  # the first has waited longer
    invalid(world, lambda: propose_candidates(
        world.session, dwelling_id=dwelling.id, client_ids=[second.id], actor=world.matcher,
        now=world.tick()), "motivation")
    proposal = propose_candidates(
        world.session, dwelling_id=dwelling.id, client_ids=[second.id], actor=world.matcher,
        motivation="waits longest in this district", now=world.tick())
    assert (proposal.deviates, proposal.motivation) == (True, "waits longest in this district")
    assert proposal.policy_version.startswith("ranking-1/")
    candidate = world.session.exec(
        select(Candidate).where(Candidate.proposal_id == proposal.id)).one()
    assert candidate.explanation["suggested_rank"] == 2
    assert candidate.score == candidate.explanation["score"]
    assert {f["factor"] for f in candidate.explanation["factors"]} >= {"waiting_time", "ambition"}


def test_proposing_the_top_suggestions_needs_no_motivation(world: World):
    dwelling = world.submitted()
    first, second = world.waiting(), world.waiting()
    proposal = propose_candidates(
        world.session, dwelling_id=dwelling.id, client_ids=[second.id, first.id],
        actor=world.matcher, now=world.tick())
    assert (proposal.deviates, proposal.motivation) == (False, None)


def test_proposing_for_a_dwelling_that_is_not_submitted_is_refused_by_the_machine(world: World):
    dwelling = world.draft()
    client = world.waiting()
    error = refused(world, TransitionNotAllowed, lambda: world.propose(dwelling, [client]))
    assert isinstance(error, TransitionNotAllowed) and error.state == "draft"
    assert world.fresh(Client, client.id).state == "waiting"


def test_proposing_a_client_who_is_on_another_round_is_refused_and_leaves_no_half_round(
    world: World,
):
    client = world.waiting()
    world.propose(world.submitted(), [client])
    other = world.submitted()
    refused(world, TransitionNotAllowed, lambda: world.propose(other, [client]))
    assert world.fresh(Dwelling, other.id).state == "submitted"


def test_proposing_a_client_on_hold_is_refused_and_leaves_no_half_round(world: World):
    client = world.waiting()
    hold_client(world.session, client_id=client.id, actor=world.lister, now=world.tick())
    dwelling = world.submitted()
    refused(world, TransitionNotAllowed, lambda: world.propose(dwelling, [client]))
    assert world.fresh(Dwelling, dwelling.id).state == "submitted"


def test_a_round_stores_its_number_its_deadline_and_its_candidates_in_order(world: World):
    dwelling = world.submitted()
    clients = [world.waiting() for _ in range(3)]
    proposal = world.propose(dwelling, clients)
    assert (proposal.round_no, proposal.state) == (1, "open")
    assert proposal.deadline == add_working_days(world.now.date(), 5)
    candidates = world.session.exec(
        select(Candidate).where(Candidate.proposal_id == proposal.id).order_by(Candidate.position)
    ).all()
    assert [(c.client_id, c.position, c.state) for c in candidates] == [
        (client.id, n, "pending") for n, client in enumerate(clients, start=1)
    ]
    assert {world.fresh(Client, c.id).state for c in clients} == {"proposed"}
    assert world.fresh(Dwelling, dwelling.id).state == "proposed"


# --- deciding -------------------------------------------------------------------------------------


def _open_round(world: World, size: int = 2) -> tuple[Dwelling, Proposal, list[Client]]:
    dwelling = world.submitted()
    clients = [world.waiting() for _ in range(size)]
    return dwelling, world.propose(dwelling, clients), clients


def test_reject_without_reason_code_is_refused_and_leaves_the_round_open(world: World):
    _dwelling, proposal, clients = _open_round(world)
    invalid(world, lambda: world.decide(proposal, clients[0], "reject"), "reason_code")
    assert world.fresh(Proposal, proposal.id).state == "open"


def test_reject_with_other_without_motivation_is_refused_and_leaves_the_round_open(
    world: World,
):
    _dwelling, proposal, clients = _open_round(world)
    invalid(world, lambda: world.decide(proposal, clients[0], "reject", reason_code="other"),
            "motivation")
    invalid(world, lambda: world.decide(proposal, clients[0], "reject", reason_code="other",
                                        motivation="   "), "motivation")
    assert world.fresh(Proposal, proposal.id).state == "open"
    world.decide(proposal, clients[0], "reject", reason_code="other",
                 motivation="the stairwell already houses two supported tenants")
    candidate = world.session.exec(
        select(Candidate).where(Candidate.client_id == clients[0].id)).one()
    assert (candidate.state, candidate.reason_code) == ("rejected", "other")
    assert candidate.motivation == "the stairwell already houses two supported tenants"


def test_reject_with_a_reason_only_a_candidate_can_give_is_refused(world: World):
    _dwelling, proposal, clients = _open_round(world)
    invalid(world, lambda: world.decide(proposal, clients[0], "reject",
                                        reason_code="client_declined_offer"), "reason_code")


def test_a_decision_other_than_accept_or_reject_is_refused(world: World):
    _dwelling, proposal, clients = _open_round(world)
    invalid(world, lambda: world.decide(proposal, clients[0], "maybe"), "decision")


def test_deciding_on_a_client_who_is_not_a_candidate_of_the_round_is_refused(world: World):
    _dwelling, proposal, _clients = _open_round(world)
    outsider = world.waiting()
    invalid(world, lambda: world.decide(proposal, outsider, "accept"), "client_id")


def test_rejecting_one_candidate_keeps_the_round_open_and_sends_the_client_back_waiting(
    world: World,
):
    dwelling, proposal, clients = _open_round(world)
    world.reject(proposal, clients[0])
    assert world.fresh(Proposal, proposal.id).state == "open"
    assert world.fresh(Client, clients[0].id).state == "waiting"
    assert world.fresh(Dwelling, dwelling.id).state == "proposed"


def test_rejecting_every_candidate_closes_the_round_and_submits_the_dwelling_again(
    world: World,
):
    dwelling, proposal, clients = _open_round(world, 3)
    for client in clients:
        world.reject(proposal, client, "area_concentration")
    assert world.fresh(Proposal, proposal.id).state == "rejected"
    assert world.fresh(Dwelling, dwelling.id).state == "submitted"
    assert {world.fresh(Client, c.id).state for c in clients} == {"waiting"}
    second = world.propose(dwelling, [world.waiting()])
    assert second.round_no == 2


def test_rejecting_a_rejected_candidate_again_is_refused_by_the_machine(world: World):
    _dwelling, proposal, clients = _open_round(world)
    world.reject(proposal, clients[0])
    error = refused(world, TransitionNotAllowed, lambda: world.reject(proposal, clients[0]))
    assert isinstance(error, TransitionNotAllowed) and error.state == "rejected"


def test_accepting_a_candidate_matches_client_and_dwelling_and_passes_over_the_others(
    world: World,
):
    dwelling, proposal, clients = _open_round(world, 3)
    world.decide(proposal, clients[1], "accept")
    assert world.fresh(Proposal, proposal.id).state == "accepted"
    dwelling = world.fresh(Dwelling, dwelling.id)
    assert (dwelling.state, dwelling.matched_client_id) == ("matched", clients[1].id)
    states = {
        c.client_id: c.state
        for c in world.session.exec(select(Candidate).where(Candidate.proposal_id == proposal.id))
    }
    assert states == {clients[0].id: "not_chosen", clients[1].id: "accepted",
                      clients[2].id: "not_chosen"}
    assert [world.fresh(Client, c.id).state for c in clients] == ["waiting", "matched", "waiting"]


def test_after_an_accept_no_other_candidate_of_the_round_can_be_accepted(world: World):
    _dwelling, proposal, clients = _open_round(world)
    world.decide(proposal, clients[0], "accept")
    refused(world, TransitionNotAllowed, lambda: world.decide(proposal, clients[1], "accept"))


# --- the one-time offer ---------------------------------------------------------------------------


def test_an_accepted_offer_moves_client_and_dwelling_to_offer_accepted(world: World):
    dwelling, client = world.matched()
    world.answer(dwelling, "accepted")
    assert world.fresh(Dwelling, dwelling.id).state == "offer_accepted"
    assert world.fresh(Client, client.id).state == "offer_accepted"


def test_an_offer_declined_for_a_valid_reason_puts_the_client_back_waiting_and_the_dwelling_submitted(  # noqa: E501
    world: World,
):
    dwelling, client = world.matched()
    waiting_since = world.fresh(Client, client.id).waiting_since
    world.answer(dwelling, "declined", reason_code="location_unsuitable", valid=True)
    dwelling = world.fresh(Dwelling, dwelling.id)
    assert (dwelling.state, dwelling.matched_client_id) == ("submitted", None)
    client = world.fresh(Client, client.id)
    assert (client.state, client.waiting_since) == ("waiting", waiting_since)


def test_an_offer_declined_without_a_valid_reason_lapses_the_client_to_offer_refused(
    world: World,
):
    dwelling, client = world.matched()
    world.answer(dwelling, "declined", reason_code="client_declined_offer", valid=False)
    assert world.fresh(Client, client.id).state == "offer_refused"
    dwelling = world.fresh(Dwelling, dwelling.id)
    assert (dwelling.state, dwelling.matched_client_id) == ("submitted", None)
    event = world.session.exec(
        select(ClientEvent).where(ClientEvent.client_id == client.id)
        .order_by(ClientEvent.id.desc())  # type: ignore[union-attr]
    ).first()
    assert event is not None and event.trigger == "refuse_offer"
    assert event.data["reason_code"] == "client_declined_offer" and event.data["valid"] is False


def test_declining_an_offer_without_saying_whether_the_reason_is_valid_is_refused(world: World):
    dwelling, client = world.matched()
    invalid(world, lambda: world.answer(dwelling, "declined", reason_code="client_declined_offer"),
            "valid")
    assert world.fresh(Client, client.id).state == "matched"


def test_declining_an_offer_without_a_reason_code_or_with_a_landlord_code_is_refused(
    world: World,
):
    dwelling, _client = world.matched()
    invalid(world, lambda: world.answer(dwelling, "declined", valid=True), "reason_code")
    invalid(world, lambda: world.answer(dwelling, "declined", reason_code="size_mismatch",
                                        valid=True), "reason_code")


def test_an_answer_other_than_accepted_or_declined_is_refused(world: World):
    dwelling, _client = world.matched()
    invalid(world, lambda: world.answer(dwelling, "perhaps"), "answer")


def test_an_answer_for_a_dwelling_that_is_not_matched_is_refused_by_the_machine(world: World):
    dwelling = world.submitted()
    error = refused(world, TransitionNotAllowed, lambda: world.answer(dwelling, "accepted"))
    assert isinstance(error, TransitionNotAllowed) and error.state == "submitted"


def test_reinstating_a_refused_client_needs_a_motivation_and_puts_them_back_waiting(
    world: World,
):
    client = world.refused()
    invalid(world, lambda: reinstate_client(
        world.session, client_id=client.id, motivation="  ", actor=world.matcher), "motivation")
    assert world.fresh(Client, client.id).state == "offer_refused"
    reinstate_client(world.session, client_id=client.id, motivation="the offer came too early",
                     actor=world.matcher, now=world.tick())
    assert world.fresh(Client, client.id).state == "waiting"


def test_reinstating_a_client_who_did_not_refuse_is_refused_by_the_machine(world: World):
    client = world.waiting()
    refused(world, TransitionNotAllowed, lambda: reinstate_client(
        world.session, client_id=client.id, motivation="why not", actor=world.matcher))


# --- withdrawing and holding ----------------------------------------------------------------------


def test_withdrawing_a_dwelling_without_reason_is_refused(world: World):
    dwelling = world.submitted()
    invalid(world, lambda: withdraw_dwelling(
        world.session, dwelling_id=dwelling.id, reason=" ", actor=world.portaal), "reason")


def test_withdrawing_a_dwelling_with_an_open_round_cancels_the_round_and_requeues_the_clients(
    world: World,
):
    dwelling, proposal, clients = _open_round(world, 3)
    world.reject(proposal, clients[0])
    withdraw_dwelling(world.session, dwelling_id=dwelling.id, reason="needed for urgent renovation",
                      actor=world.portaal, now=world.tick())
    assert world.fresh(Dwelling, dwelling.id).state == "withdrawn"
    assert world.fresh(Proposal, proposal.id).state == "cancelled"
    states = {
        c.client_id: c.state
        for c in world.session.exec(select(Candidate).where(Candidate.proposal_id == proposal.id))
    }
    assert states == {clients[0].id: "rejected", clients[1].id: "withdrawn",
                      clients[2].id: "withdrawn"}
    assert {world.fresh(Client, c.id).state for c in clients} == {"waiting"}


def test_a_matched_dwelling_cannot_be_withdrawn(world: World):
    dwelling, _client = world.matched()
    error = refused(world, TransitionNotAllowed, lambda: withdraw_dwelling(
        world.session, dwelling_id=dwelling.id, reason="sold", actor=world.portaal))
    assert isinstance(error, TransitionNotAllowed) and error.state == "matched"


def test_withdrawing_the_last_pending_client_closes_the_round_and_submits_the_dwelling_again(
    world: World,
):
    dwelling, proposal, clients = _open_round(world, 2)
    world.reject(proposal, clients[0])
    withdraw_client(world.session, client_id=clients[1].id, reason="moved to another city",
                    actor=world.lister, now=world.tick())
    assert world.fresh(Client, clients[1].id).state == "withdrawn"
    assert world.fresh(Proposal, proposal.id).state == "rejected"
    assert world.fresh(Dwelling, dwelling.id).state == "submitted"
    candidate = world.session.exec(
        select(Candidate).where(Candidate.client_id == clients[1].id)).one()
    assert candidate.state == "withdrawn"


def test_withdrawing_one_of_several_pending_clients_keeps_the_round_open(world: World):
    dwelling, proposal, clients = _open_round(world, 2)
    withdraw_client(world.session, client_id=clients[0].id, reason="moved",
                    actor=world.matcher, now=world.tick())
    assert world.fresh(Proposal, proposal.id).state == "open"
    assert world.fresh(Dwelling, dwelling.id).state == "proposed"
    world.decide(proposal, clients[1], "accept")
    assert world.fresh(Dwelling, dwelling.id).state == "matched"


def test_withdrawing_a_matched_client_submits_the_dwelling_again(world: World):
    dwelling, client = world.matched()
    withdraw_client(world.session, client_id=client.id, reason="admitted to a clinic",
                    actor=world.lister, now=world.tick())
    assert world.fresh(Client, client.id).state == "withdrawn"
    dwelling = world.fresh(Dwelling, dwelling.id)
    assert (dwelling.state, dwelling.matched_client_id) == ("submitted", None)


def test_withdrawing_a_client_after_accepting_the_offer_submits_the_dwelling_again(world: World):
    dwelling, client = world.matched()
    record_offer_answer(world.session, dwelling_id=dwelling.id, answer="accepted",
                        actor=world.matcher, now=world.tick())
    withdraw_client(world.session, client_id=client.id, reason="moved abroad",
                    actor=world.lister, now=world.tick())
    assert world.fresh(Client, client.id).state == "withdrawn"
    dwelling = world.fresh(Dwelling, dwelling.id)
    assert (dwelling.state, dwelling.matched_client_id) == ("submitted", None)


def test_withdrawing_a_client_without_reason_is_refused(world: World):
    client = world.waiting()
    invalid(world, lambda: withdraw_client(
        world.session, client_id=client.id, reason="", actor=world.lister), "reason")


def test_hold_and_resume_take_a_client_out_of_the_queue_and_back_keeping_the_waiting_date(
    world: World,
):
    client = world.waiting()
    since = client.waiting_since
    hold_client(world.session, client_id=client.id, actor=world.lister, reason="clinic",
                now=world.tick())
    assert world.fresh(Client, client.id).state == "on_hold"
    refused(world, TransitionNotAllowed,
            lambda: hold_client(world.session, client_id=client.id, actor=world.lister))
    resume_client(world.session, client_id=client.id, actor=world.matcher, now=world.tick(30))
    client = world.fresh(Client, client.id)
    assert (client.state, client.waiting_since) == ("waiting", since)
    refused(world, TransitionNotAllowed,
            lambda: resume_client(world.session, client_id=client.id, actor=world.lister))


def test_a_proposed_client_cannot_be_put_on_hold(world: World):
    _dwelling, _proposal, clients = _open_round(world, 1)
    error = refused(world, TransitionNotAllowed,
                    lambda: hold_client(world.session, client_id=clients[0].id,
                                        actor=world.lister))
    assert isinstance(error, TransitionNotAllowed)
    assert (error.state, set(error.allowed)) == ("proposed", {"requeue", "match", "withdraw"})


# --- letting and leases --------------------------------------------------------------------------


def test_let_with_a_flip_lease_for_a_client_without_flip_consent_is_refused(world: World):
    dwelling, client = world.offer_accepted(flip_lease_ok=False)
    invalid(world, lambda: let_dwelling(
        world.session, dwelling_id=dwelling.id, lease_start=LEASE_START, lease_type="flip",
        actor=world.portaal), "lease_type")
    assert world.fresh(Dwelling, dwelling.id).state == "offer_accepted"
    assert world.fresh(Client, client.id).state == "offer_accepted"
    lease = let_dwelling(world.session, dwelling_id=dwelling.id, lease_start=LEASE_START,
                         lease_type="direct", actor=world.portaal, now=world.tick())
    assert (lease.lease_type, lease.tenant_care_provider_id) == ("direct", None)


def test_let_with_an_unknown_lease_type_is_refused(world: World):
    dwelling, _client = world.offer_accepted()
    invalid(world, lambda: let_dwelling(
        world.session, dwelling_id=dwelling.id, lease_start=LEASE_START, lease_type="forever",
        actor=world.portaal), "lease_type")


def test_letting_before_the_offer_is_accepted_is_refused_by_the_machine(world: World):
    dwelling, _client = world.matched()
    error = refused(world, TransitionNotAllowed, lambda: let_dwelling(
        world.session, dwelling_id=dwelling.id, lease_start=LEASE_START, lease_type="direct",
        actor=world.portaal))
    assert isinstance(error, TransitionNotAllowed) and error.state == "matched"


def test_letting_creates_the_lease_and_houses_the_client(world: World):
    dwelling, client = world.offer_accepted()
    lease = let_dwelling(world.session, dwelling_id=dwelling.id, lease_start=LEASE_START,
                         lease_type="flip", actor=world.portaal, now=world.tick())
    assert (lease.state, lease.dwelling_id, lease.client_id) == ("active", dwelling.id, client.id)
    assert lease.review_on == date(2021, 9, 1)
    assert lease.tenant_care_provider_id == client.care_provider_id
    assert world.fresh(Dwelling, dwelling.id).state == "let"
    assert world.fresh(Client, client.id).state == "housed"


def test_a_campus_lease_ends_after_five_years(world: World):
    lease = world.let("campus")
    assert (lease.end_on, lease.review_on) == (date(2024, 9, 1), None)


def test_transfer_before_the_review_is_due_is_refused_by_the_machine(world: World):
    lease = world.let("flip")
    error = refused(world, TransitionNotAllowed, lambda: transfer_lease(
        world.session, lease_id=lease.id, on=date(2020, 1, 1), actor=world.portaal))
    assert isinstance(error, TransitionNotAllowed)
    assert (error.state, error.trigger) == ("active", "transfer")


def test_transfer_of_a_due_flip_lease_makes_the_client_the_tenant(world: World):
    lease = world.due_flip()
    invalid(world, lambda: transfer_lease(
        world.session, lease_id=lease.id, on=date(2019, 1, 1), actor=world.matcher), "on")
    transfer_lease(world.session, lease_id=lease.id, on=date(2021, 10, 1), actor=world.matcher,
                   now=at(date(2021, 9, 1)))
    lease = world.fresh(Lease, lease.id)
    assert (lease.state, lease.transferred_on, lease.tenant_care_provider_id) == (
        "transferred", date(2021, 10, 1), None)


def test_a_direct_or_campus_lease_cannot_be_transferred(world: World):
    for lease_type in ("direct", "campus"):
        lease = world.let(lease_type)
        refused(world, TransitionNotAllowed, lambda lease=lease: transfer_lease(
            world.session, lease_id=lease.id, on=date(2021, 10, 1), actor=world.portaal))


def test_extending_beyond_twelve_months_is_refused_naming_the_review_date(world: World):
    lease = world.due_flip()
    assert lease.review_on == date(2021, 9, 1)
    invalid(world, lambda: extend_lease(
        world.session, lease_id=lease.id, review_on=date(2022, 9, 2), reason="not ready",
        actor=world.lister), "review_on")
    assert world.fresh(Lease, lease.id).state == "review_due"


def test_extending_to_a_date_before_the_current_review_is_refused(world: World):
    lease = world.due_flip()
    invalid(world, lambda: extend_lease(
        world.session, lease_id=lease.id, review_on=date(2021, 8, 1), reason="not ready",
        actor=world.lister), "review_on")


def test_extending_without_a_reason_is_refused(world: World):
    lease = world.due_flip()
    invalid(world, lambda: extend_lease(
        world.session, lease_id=lease.id, review_on=date(2022, 3, 1), reason=" ",
        actor=world.lister), "reason")


def test_extending_by_twelve_months_sets_the_review_and_tick_makes_it_due_again(world: World):
    lease = world.due_flip()
    extend_lease(world.session, lease_id=lease.id, review_on=date(2022, 9, 1),
                 reason="tenant not ready yet", actor=world.lister, now=at(date(2021, 8, 1)))
    lease = world.fresh(Lease, lease.id)
    assert (lease.state, lease.review_on) == ("extended", date(2022, 9, 1))
    assert run_tick(world.session, now=at(date(2022, 5, 31))).fired == {}
    assert run_tick(world.session, now=at(date(2022, 6, 1))).fired == {"lease.due": 1}
    assert world.fresh(Lease, lease.id).state == "review_due"


def test_extending_a_lease_that_is_not_due_is_refused_by_the_machine(world: World):
    lease = world.let("flip")
    refused(world, TransitionNotAllowed, lambda: extend_lease(
        world.session, lease_id=lease.id, review_on=date(2022, 3, 1), reason="not ready",
        actor=world.lister))


def test_only_the_tenant_care_provider_may_extend(world: World):
    lease = world.due_flip()
    transfer_lease(world.session, lease_id=lease.id, on=date(2021, 10, 1), actor=world.portaal,
                   now=at(date(2021, 9, 1)))
    # Lister is still a party (its client lives there) but no longer the tenant.
    refused(world, PermissionDenied, lambda: extend_lease(
        world.session, lease_id=lease.id, review_on=date(2022, 3, 1), reason="not ready",
        actor=world.lister))


def test_ending_a_lease_needs_a_reason_and_a_date_after_its_start(world: World):
    lease = world.let("direct")
    invalid(world, lambda: end_lease(world.session, lease_id=lease.id, on=date(2020, 1, 31),
                                     reason="", actor=world.portaal), "reason")
    invalid(world, lambda: end_lease(world.session, lease_id=lease.id, on=date(2019, 1, 31),
                                     reason="moved", actor=world.portaal), "on")
    end_lease(world.session, lease_id=lease.id, on=date(2020, 1, 31), reason="moved",
              actor=world.portaal, now=world.tick())
    lease = world.fresh(Lease, lease.id)
    assert (lease.state, lease.ended_on) == ("ended", date(2020, 1, 31))


# --- time: tick, deadlines, quarters --------------------------------------------------------------


def test_a_campus_lease_is_ending_six_months_before_the_end_and_ended_at_the_end(world: World):
    lease = world.let("campus")
    assert lease.end_on == date(2024, 9, 1)
    assert run_tick(world.session, now=at(date(2024, 2, 29))).fired == {}
    assert world.fresh(Lease, lease.id).state == "active"
    assert run_tick(world.session, now=at(date(2024, 3, 1))).fired == {"lease.approach_end": 1}
    assert world.fresh(Lease, lease.id).state == "ending"
    assert run_tick(world.session, now=at(date(2024, 8, 31))).fired == {}
    assert run_tick(world.session, now=at(date(2024, 9, 1))).fired == {"lease.end": 1}
    lease = world.fresh(Lease, lease.id)
    assert (lease.state, lease.ended_on) == ("ended", date(2024, 9, 1))


def test_a_campus_lease_found_after_its_end_by_a_late_tick_is_ended_in_one_run(world: World):
    lease = world.let("campus")
    report = run_tick(world.session, now=at(date(2025, 1, 6)))
    assert report.fired == {"lease.approach_end": 1, "lease.end": 1}
    triggers = [e.trigger for e in world.session.exec(
        select(LeaseEvent).where(LeaseEvent.lease_id == lease.id).order_by(LeaseEvent.id))]
    assert triggers == ["create", "approach_end", "end"]


def test_a_flip_lease_is_due_three_months_before_its_review_date(world: World):
    lease = world.let("flip")
    assert run_tick(world.session, now=at(date(2021, 5, 31))).fired == {}
    assert run_tick(world.session, now=at(date(2021, 6, 1))).fired == {"lease.due": 1}
    assert world.fresh(Lease, lease.id).state == "review_due"


def test_tick_run_twice_at_the_same_moment_fires_nothing_the_second_time(world: World):
    world.let("campus")
    world.let("flip")
    _dwelling, proposal, _clients = _open_round(world, 1)
    moment = at(date(2024, 3, 4))
    first = run_tick(world.session, now=moment)
    assert first.fired == {"lease.due": 1, "lease.approach_end": 1, "proposal.escalate": 1}
    before = snapshot(world.session)
    second = run_tick(world.session, now=moment)
    assert second.fired == {}
    assert snapshot(world.session) == before
    assert world.fresh(Proposal, proposal.id).state == "overdue"


def test_an_open_round_past_its_deadline_becomes_overdue_through_tick(world: World):
    _dwelling, proposal, _clients = _open_round(world, 2)
    deadline = proposal.deadline
    assert deadline == add_working_days(world.now.date(), 5)
    late_on_deadline = datetime.combine(deadline, time(23, 30), tzinfo=UTRECHT)
    assert run_tick(world.session, now=late_on_deadline).fired == {}
    assert world.fresh(Proposal, proposal.id).state == "open"
    report = run_tick(world.session, now=at(deadline + timedelta(days=1)))
    assert report.fired == {"proposal.escalate": 1}
    assert world.fresh(Proposal, proposal.id).state == "overdue"


def test_an_overdue_round_can_still_be_decided(world: World):
    dwelling, proposal, clients = _open_round(world, 2)
    run_tick(world.session, now=at(proposal.deadline + timedelta(days=3)))
    proposal = world.fresh(Proposal, proposal.id)
    assert proposal.state == "overdue"
    world.reject(proposal, clients[0])
    world.reject(proposal, clients[1])
    assert world.fresh(Proposal, proposal.id).state == "rejected"
    assert world.fresh(Dwelling, dwelling.id).state == "submitted"


def test_the_quarter_a_dwelling_counts_for_is_the_quarter_of_submission(world: World):
    draft = create_dwelling(world.session, data=DwellingData(), actor=world.portaal,
                            now=at(date(2019, 6, 20)))
    submit_dwelling(world.session, dwelling_id=draft.id, actor=world.portaal,
                    now=at(date(2019, 7, 1)))
    dwelling = world.fresh(Dwelling, draft.id)
    assert dwelling.quarter == "2019Q3"
    # A new round after a decline in the next quarter does not move the dwelling.
    client = world.waiting()
    proposal = propose_candidates(world.session, dwelling_id=dwelling.id, client_ids=[client.id],
                                  actor=world.matcher, now=at(date(2019, 9, 30)))
    decide_candidate(world.session, proposal_id=proposal.id, client_id=client.id,
                     decision="reject", reason_code="rent_too_high", actor=world.portaal,
                     now=at(date(2019, 10, 2)))
    assert world.fresh(Dwelling, dwelling.id).quarter == "2019Q3"


def test_a_dwelling_submitted_just_after_midnight_on_1_october_in_utrecht_counts_for_q4(
    world: World,
):
    # 2019-09-30 22:30 UTC is 2019-10-01 00:30 in Utrecht (CEST, UTC+2).
    draft = world.draft()
    submit_dwelling(world.session, dwelling_id=draft.id, actor=world.portaal,
                    now=datetime(2019, 9, 30, 22, 30, tzinfo=UTC))
    assert world.fresh(Dwelling, draft.id).quarter == "2019Q4"


def test_release_is_refused_before_the_vacancy_deadline_and_allowed_after(world: World):
    draft = world.draft()
    submit_dwelling(world.session, dwelling_id=draft.id, actor=world.portaal,
                    now=at(date(2019, 8, 1)))
    deadline = add_working_days(date(2019, 8, 1), 30)
    refused(world, TransitionNotAllowed, lambda: release_dwelling(
        world.session, dwelling_id=draft.id, actor=world.portaal,
        now=at(deadline - timedelta(days=1))))
    release_dwelling(world.session, dwelling_id=draft.id, actor=world.portaal, now=at(deadline))
    dwelling = world.fresh(Dwelling, draft.id)
    assert (dwelling.state, dwelling.quarter) == ("released", "2019Q3")


def test_an_id_beyond_the_databases_integers_is_simply_not_found(reference):
    from matching.access import get_or_404
    from matching.models import Client
    from matching.services.errors import NotFound

    for impossible in (0, -1, 99999999999999999999):
        with pytest.raises(NotFound):
            get_or_404(reference, Client, impossible)
