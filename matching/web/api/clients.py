"""Clients (referrals): register, list and read (every read logged), approve, hold, resume,
withdraw, reinstate, and the Citydeal-overleg's nomination of a City Deal client."""

from collections.abc import Callable
from typing import Any

from matching.models import Client
from matching.queries import api as queries
from matching.queries.lists import clients_for
from matching.services import citydeal
from matching.services import clients as service
from matching.services.unit_of_work import commit
from matching.web import db_session
from matching.web.api import responses as out
from matching.web.api import serializers as to
from matching.web.api.auth import api_actor, roles
from matching.web.api.common import ID, check_own_organisation, resource
from matching.web.api.schemas import (
    ApproveBody,
    CitydealNominationBody,
    ClientCreate,
    ClientPath,
    ClientQuery,
    HoldBody,
    IdempotencyHeader,
    ReinstateBody,
    ResumeBody,
    WithdrawBody,
)
from matching.web.api.shown import log_shown_clients, with_reads_logged

blueprint = resource("clients", "Clients referred by care providers (no names, no BSN)")
ONE = f"/clients/<{ID}:client_id>"


def _client_answer(client: Client, trigger: str, status: int = 200) -> Any:
    """The client after a change: the answer shows the whole record, so it is logged."""
    log_shown_clients(db_session(), [client.id], f"API: client after {trigger}")
    return to.answer(to.client(client), status)


def _client_change(client_id: int, trigger: str, run: Callable[[], Client]) -> Any:
    """Run a transition of a known client; its answer's read goes in the same commit."""
    client = with_reads_logged(db_session(), [client_id], f"API: client after {trigger}", run)
    return to.answer(to.client(client))


@blueprint.post("/clients", responses={201: out.ClientOut})
@roles("care_provider")
def register_client(body: ClientCreate, header: IdempotencyHeader) -> Any:
    """Register a client of the caller's care provider (state registered)."""
    actor = api_actor()
    check_own_organisation("care_provider_id", body.care_provider_id, actor)
    client = service.register_client(
        db_session(), data=body.model_dump(exclude={"care_provider_id"}), actor=actor)
    return _client_answer(client, "register", 201)


@blueprint.get("/clients", responses={200: out.ClientPage})
@roles("care_provider", "matcher")
def list_clients(query: ClientQuery) -> Any:
    """List clients (a care provider its own, the agency all), longest waiting first."""
    session = db_session()
    actor = api_actor()
    found = clients_for(session, actor=actor, state=query.state,
                        target_group=query.target_group, reference=query.reference,
                        page=query.page, per_page=query.per_page)
    shown = [c.id for c in found.items if c.id is not None]
    if shown:
        filtered = any(v is not None for v in (query.state, query.target_group, query.reference))
        service.log_client_reads(session, actor=actor, client_ids=shown,
                                 purpose="API: client list",
                                 action="search" if filtered else "read")
        commit(session)
    return to.answer(to.page_of(out.ClientPage, found, to.client))


@blueprint.get(ONE, responses={200: out.ClientDetail})
@roles("care_provider", "matcher")
def get_client(path: ClientPath) -> Any:
    """Return a client with state, waiting start and history (the read is logged)."""
    session = db_session()
    client = service.read_client(session, client_id=path.client_id, actor=api_actor(),
                                 purpose="API: client record")
    return to.answer(to.client_detail(client, queries.client_history(session, path.client_id)))


@blueprint.post(f"{ONE}/approve", responses={200: out.ClientOut})
@roles("matcher")
def approve_client(path: ClientPath, body: ApproveBody, header: IdempotencyHeader) -> Any:
    """Approve a referral: the client starts waiting (now, or from `waiting_since`)."""
    return _client_change(path.client_id, "approve", lambda: service.approve_client(
        db_session(), client_id=path.client_id, actor=api_actor(),
        waiting_since=body.waiting_since))


@blueprint.post(f"{ONE}/hold", responses={200: out.ClientOut})
@roles("care_provider", "matcher")
def hold_client(path: ClientPath, body: HoldBody, header: IdempotencyHeader) -> Any:
    """Pause a waiting client (for example a stay in a clinic)."""
    return _client_change(path.client_id, "hold", lambda: service.hold_client(
        db_session(), client_id=path.client_id, actor=api_actor(), reason=body.reason))


@blueprint.post(f"{ONE}/resume", responses={200: out.ClientOut})
@roles("care_provider", "matcher")
def resume_client(path: ClientPath, body: ResumeBody, header: IdempotencyHeader) -> Any:
    """Put a paused client back in the queue (with a reason, if one is given)."""
    return _client_change(path.client_id, "resume", lambda: service.resume_client(
        db_session(), client_id=path.client_id, actor=api_actor(), reason=body.reason))


@blueprint.post(f"{ONE}/withdraw", responses={200: out.ClientOut})
@roles("care_provider", "matcher")
def withdraw_client(path: ClientPath, body: WithdrawBody, header: IdempotencyHeader) -> Any:
    """Withdraw a client from the process, with a reason."""
    return _client_change(path.client_id, "withdraw", lambda: service.withdraw_client(
        db_session(), client_id=path.client_id, actor=api_actor(), reason=body.reason))


@blueprint.post(f"{ONE}/reinstate", responses={200: out.ClientOut})
@roles("matcher")
def reinstate_client(path: ClientPath, body: ReinstateBody, header: IdempotencyHeader) -> Any:
    """Give a client who refused an offer their place back, with a motivation."""
    return _client_change(path.client_id, "reinstate", lambda: service.reinstate_client(
        db_session(), client_id=path.client_id, actor=api_actor(), motivation=body.motivation))


@blueprint.post(f"{ONE}/citydeal-nomination", responses={200: out.ClientOut})
@roles("matcher")
def record_citydeal_nomination(path: ClientPath, body: CitydealNominationBody,
                               header: IdempotencyHeader) -> Any:
    """Record the day the Citydeal-overleg nominated a client of target group citydeal (once;
    not for a client housed or withdrawn); it counts in the year's City Deal contingent."""
    return _client_change(path.client_id, "citydeal nomination",
                          lambda: citydeal.record_citydeal_nomination(
                              db_session(), client_id=path.client_id,
                              nominated_on=body.nominated_on, actor=api_actor()))
