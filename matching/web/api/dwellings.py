"""Dwelling offers: create, list, read, submit, withdraw, release, the offer's answer, let."""

from typing import Any

from sqlmodel import Session

from matching.access import get_or_404
from matching.models import Dwelling
from matching.queries import api as queries
from matching.queries.lists import dwellings_for
from matching.services import dwellings as service
from matching.services import leases as lease_service
from matching.services.clients import log_client_reads
from matching.services.unit_of_work import commit
from matching.web import db_session
from matching.web.api import responses as out
from matching.web.api import serializers as to
from matching.web.api.auth import api_actor, roles
from matching.web.api.common import ID, check_own_organisation, resource
from matching.web.api.schemas import (
    DwellingCreate,
    DwellingPath,
    DwellingQuery,
    IdempotencyHeader,
    LetBody,
    NoBody,
    OfferBody,
    WithdrawBody,
)

blueprint = resource("dwellings", "Dwelling offers of the corporations")
ONE = f"/dwellings/<{ID}:dwelling_id>"


def _answer(session: Session, dwelling: Dwelling, status: int = 200):
    assert dwelling.id is not None
    earmarks = queries.earmarks_of(session, [dwelling.id])[dwelling.id]
    return to.answer(to.dwelling(dwelling, earmarks), status)


@blueprint.post("/dwellings", responses={201: out.DwellingOut})
@roles("corporation")
def create_dwelling(body: DwellingCreate, header: IdempotencyHeader) -> Any:
    """Create a dwelling offer of the caller's corporation (state draft)."""
    session = db_session()
    actor = api_actor()
    check_own_organisation("corporation_id", body.corporation_id, actor)
    dwelling = service.create_dwelling(session, data=body.model_dump(exclude={"corporation_id"}),
                                       actor=actor)
    return _answer(session, dwelling, 201)


@blueprint.get("/dwellings", responses={200: out.DwellingPage})
@roles("corporation", "matcher")
def list_dwellings(query: DwellingQuery) -> Any:
    """List dwellings (a corporation its own, the agency all), newest first."""
    session = db_session()
    found = dwellings_for(
        session, actor=api_actor(), state=query.state, quarter=query.quarter,
        corporation_id=query.corporation_id, page=query.page, per_page=query.per_page,
    )
    earmarks = queries.earmarks_of(session, [d.id for d in found.items if d.id is not None])
    return to.answer(to.page_of(out.DwellingPage, found,
                                lambda d: to.dwelling(d, earmarks.get(d.id or 0, []))))


@blueprint.get(ONE, responses={200: out.DwellingDetail})
@roles("corporation", "matcher")
def get_dwelling(path: DwellingPath) -> Any:
    """Return a dwelling with its rounds of candidates, their decisions, and its history."""
    session = db_session()
    actor = api_actor()
    found = queries.dwelling_detail(session, actor=actor, dwelling_id=path.dwelling_id)
    client_ids = sorted({c.client_id for r in found.rounds for c in r.candidates})
    clients = queries.clients_by_id(session, client_ids)
    if client_ids:
        # The candidates' household, income and needs are shown: log the reads.
        log_client_reads(session, actor=actor, client_ids=client_ids,
                         purpose=f"API: candidates of dwelling {path.dwelling_id}")
        commit(session)
    earmarks = queries.earmarks_of(session, [path.dwelling_id])[path.dwelling_id]
    return to.answer(to.dwelling_detail(found.dwelling, earmarks, found.rounds, clients,
                                        found.history))


@blueprint.post(f"{ONE}/submit", responses={200: out.DwellingOut})
@roles("corporation")
def submit_dwelling(path: DwellingPath, body: NoBody, header: IdempotencyHeader) -> Any:
    """Submit (voordragen) a draft to the agency; it counts for this quarter."""
    session = db_session()
    dwelling = service.submit_dwelling(session, dwelling_id=path.dwelling_id, actor=api_actor())
    return _answer(session, dwelling)


@blueprint.post(f"{ONE}/withdraw", responses={200: out.DwellingOut})
@roles("corporation")
def withdraw_dwelling(path: DwellingPath, body: WithdrawBody, header: IdempotencyHeader) -> Any:
    """Withdraw a dwelling with a reason (not once it is matched or let)."""
    session = db_session()
    dwelling = service.withdraw_dwelling(session, dwelling_id=path.dwelling_id,
                                         reason=body.reason, actor=api_actor())
    return _answer(session, dwelling)


@blueprint.post(f"{ONE}/release", responses={200: out.DwellingOut})
@roles("corporation")
def release_dwelling(path: DwellingPath, body: NoBody, header: IdempotencyHeader) -> Any:
    """Release an unmatched dwelling to regular allocation after the vacancy deadline."""
    session = db_session()
    dwelling = service.release_dwelling(session, dwelling_id=path.dwelling_id, actor=api_actor())
    return _answer(session, dwelling)


@blueprint.post(f"{ONE}/offer", responses={200: out.DwellingOut})
@roles("matcher")
def record_offer_answer(path: DwellingPath, body: OfferBody, header: IdempotencyHeader) -> Any:
    """Record the matched client's answer to the one-time offer."""
    session = db_session()
    dwelling = service.record_offer_answer(
        session, dwelling_id=path.dwelling_id, answer=body.answer, actor=api_actor(),
        reason_code=body.reason_code, valid=body.valid, motivation=body.motivation,
    )
    return _answer(session, dwelling)


@blueprint.post(f"{ONE}/let", responses={200: out.LetResult})
@roles("corporation")
def let_dwelling(path: DwellingPath, body: LetBody, header: IdempotencyHeader) -> Any:
    """Let a dwelling whose offer was accepted: the client is housed and a lease created."""
    session = db_session()
    lease = lease_service.let_dwelling(
        session, dwelling_id=path.dwelling_id, lease_start=body.lease_start,
        lease_type=body.lease_type, actor=api_actor(),
    )
    dwelling = get_or_404(session, Dwelling, path.dwelling_id)
    earmarks = queries.earmarks_of(session, [path.dwelling_id])[path.dwelling_id]
    return to.answer(to.let_result(dwelling, earmarks, lease))
