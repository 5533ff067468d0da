"""Leases: list and read (the parties and the agency), transfer (omklap), extend, end, and
register an institution dwelling flipped to a regular lease."""

from typing import Any

from matching.queries import api as queries
from matching.queries.lists import leases_for
from matching.services import institution_flips
from matching.services import leases as service
from matching.web import db_session
from matching.web.api import responses as out
from matching.web.api import serializers as to
from matching.web.api.auth import api_actor, roles
from matching.web.api.common import ID, resource
from matching.web.api.schemas import (
    EndBody,
    ExtendBody,
    IdempotencyHeader,
    InstitutionFlipBody,
    LeasePath,
    LeaseQuery,
    TransferBody,
)

blueprint = resource("leases", "Leases: direct, flip (omklap later) and campus")
ONE = f"/leases/<{ID}:lease_id>"


@blueprint.get("/leases", responses={200: out.LeasePage})
@roles("corporation", "care_provider", "matcher")
def list_leases(query: LeaseQuery) -> Any:
    """List the leases the caller is a party to (the agency all), reviews due first."""
    found = leases_for(db_session(), actor=api_actor(), lease_type=query.type,
                       state=query.state, page=query.page, per_page=query.per_page)
    return to.answer(to.page_of(out.LeasePage, found, to.lease))


@blueprint.post("/leases/institution", responses={201: out.LeaseOut})
@roles("care_provider", "matcher")
def register_institution_flip(body: InstitutionFlipBody, header: IdempotencyHeader) -> Any:
    """Register an institution dwelling flipped to a regular lease for a client of the
    provider (a care provider its own clients, the agency any); it counts toward the
    provider's flip target of the year, in the quarter of `start`."""
    lease = institution_flips.register_institution_flip(
        db_session(), client_id=body.client_id, corporation_id=body.corporation_id,
        address=body.address, wijk=body.wijk, start_on=body.start, actor=api_actor())
    return to.answer(to.lease(lease), 201)


@blueprint.get(ONE, responses={200: out.LeaseDetail})
@roles("corporation", "care_provider", "matcher")
def get_lease(path: LeasePath) -> Any:
    """Return a lease with its dates, type, state and history."""
    lease, history = queries.lease_detail(db_session(), actor=api_actor(),
                                          lease_id=path.lease_id)
    return to.answer(to.lease_detail(lease, history))


@blueprint.post(f"{ONE}/transfer", responses={200: out.LeaseOut})
@roles("matcher", "corporation")
def transfer_lease(path: LeasePath, body: TransferBody, header: IdempotencyHeader) -> Any:
    """Transfer (omklap) a flip lease: the client becomes the tenant from `on`."""
    lease = service.transfer_lease(db_session(), lease_id=path.lease_id, on=body.on,
                                   actor=api_actor())
    return to.answer(to.lease(lease))


@blueprint.post(f"{ONE}/extend", responses={200: out.LeaseOut})
@roles("care_provider")
def extend_lease(path: LeasePath, body: ExtendBody, header: IdempotencyHeader) -> Any:
    """Postpone the review of a flip lease whose tenant is not ready (with a reason)."""
    lease = service.extend_lease(db_session(), lease_id=path.lease_id,
                                 review_on=body.review_on, reason=body.reason,
                                 actor=api_actor())
    return to.answer(to.lease(lease))


@blueprint.post(f"{ONE}/end", responses={200: out.LeaseOut})
@roles("corporation")
def end_lease(path: LeasePath, body: EndBody, header: IdempotencyHeader) -> Any:
    """End a lease (landlord corporation), with a reason."""
    lease = service.end_lease(db_session(), lease_id=path.lease_id, on=body.on,
                              reason=body.reason, actor=api_actor())
    return to.answer(to.lease(lease))
