"""Paginated lists of dwellings, clients and leases, each scoped to who may see them."""

from typing import Any

from sqlmodel import Session, col, or_, select

from matching.access import require_role
from matching.models import Client, Dwelling, Lease
from matching.paging import Page, paginate
from matching.queries.leases import lease_search, running_first_order
from matching.vocabulary import Role


def dwellings_for(
    session: Session,
    *,
    actor: Any,
    state: str | None = None,
    quarter: str | None = None,
    corporation_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[Dwelling]:
    """Dwellings the actor may see (a corporation its own, the agency all), newest first."""
    require_role(actor, Role.CORPORATION, Role.MATCHER)
    statement = select(Dwelling)
    if actor.role == Role.CORPORATION:
        statement = statement.where(Dwelling.corporation_id == actor.organisation_id)
    if state:
        statement = statement.where(Dwelling.state == state)
    if quarter:
        statement = statement.where(Dwelling.quarter == quarter)
    if corporation_id is not None:
        statement = statement.where(Dwelling.corporation_id == corporation_id)
    statement = statement.order_by(col(Dwelling.id).desc())
    return paginate(session, statement, page=page, per_page=per_page)


def clients_for(
    session: Session,
    *,
    actor: Any,
    state: str | None = None,
    target_group: str | None = None,
    reference: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[Client]:
    """Clients the actor may see (a care provider its own, the agency all), longest waiting
    first. The caller logs the reads of the clients it shows."""
    require_role(actor, Role.CARE_PROVIDER, Role.MATCHER)
    statement = select(Client)
    if actor.role == Role.CARE_PROVIDER:
        statement = statement.where(Client.care_provider_id == actor.organisation_id)
    if state:
        statement = statement.where(Client.state == state)
    if target_group:
        statement = statement.where(Client.target_group == target_group)
    if reference:
        statement = statement.where(col(Client.reference).contains(reference))
    statement = statement.order_by(
        col(Client.waiting_since).is_(None), col(Client.waiting_since), col(Client.id)
    )
    return paginate(session, statement, page=page, per_page=per_page)


def leases_for(
    session: Session,
    *,
    actor: Any,
    lease_type: str | None = None,
    state: str | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[Lease]:
    """Leases the actor is a party to (landlord, tenant or client's care provider); the agency
    sees all. `search` finds an address, or a client's reference for those who may see it.
    Running leases come first, each part by its next date (review or end) soonest first."""
    require_role(actor, Role.CORPORATION, Role.CARE_PROVIDER, Role.MATCHER)
    statement = select(Lease)
    if search:
        statement = (
            statement
            .join(Dwelling, col(Dwelling.id) == col(Lease.dwelling_id), isouter=True)
            .join(Client, col(Client.id) == col(Lease.client_id), isouter=True)
            .where(lease_search(actor, search))
        )
    if actor.role == Role.CORPORATION:
        statement = statement.where(Lease.corporation_id == actor.organisation_id)
    elif actor.role == Role.CARE_PROVIDER:
        statement = statement.where(
            or_(
                Lease.tenant_care_provider_id == actor.organisation_id,
                Lease.care_provider_id == actor.organisation_id,
            )
        )
    if lease_type:
        statement = statement.where(Lease.lease_type == lease_type)
    if state:
        statement = statement.where(Lease.state == state)
    statement = statement.order_by(*running_first_order())
    return paginate(session, statement, page=page, per_page=per_page)
