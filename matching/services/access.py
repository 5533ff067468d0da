"""Who may do what: roles, and the organisation that owns each object."""

from typing import Any

from matching.models import Client, Dwelling, Lease, User
from matching.services.errors import NotFound, PermissionDenied
from matching.vocabulary import Role


def require_role(actor: User | None, *roles: Role) -> User:
    """Return the actor if its role is one of `roles`; otherwise PermissionDenied."""
    if actor is None or not actor.active or actor.role not in roles:
        raise PermissionDenied("your role may not do this")
    return actor


def _not_found(kind: str, object_id: Any) -> NotFound:
    return NotFound(f"{kind} {object_id} not found")


def check_dwelling_owner(actor: User, dwelling: Dwelling) -> None:
    """Let only the owning corporation through; others do not learn the dwelling exists."""
    if dwelling.corporation_id != actor.organisation_id:
        raise _not_found("dwelling", dwelling.id)


def check_dwelling_visible(actor: User, dwelling: Dwelling) -> None:
    """The owner and the matching agency see a dwelling; nobody else."""
    if actor.role == Role.MATCHER:
        return
    if actor.role == Role.CORPORATION:
        check_dwelling_owner(actor, dwelling)
        return
    raise _not_found("dwelling", dwelling.id)


def check_client_visible(actor: User, client: Client) -> None:
    """The client's own care provider and the matching agency see a client."""
    if actor.role == Role.MATCHER:
        return
    if actor.role == Role.CARE_PROVIDER and client.care_provider_id == actor.organisation_id:
        return
    raise _not_found("client", client.id)


def lease_parties(lease: Lease) -> set[int]:
    parties = {lease.corporation_id}
    for provider in (lease.tenant_care_provider_id, lease.care_provider_id):
        if provider is not None:
            parties.add(provider)
    return parties


def check_lease_visible(actor: User, lease: Lease) -> None:
    """The landlord, the care provider of the client or tenant, and the agency see a lease."""
    if actor.role == Role.MATCHER:
        return
    if actor.role in (Role.CORPORATION, Role.CARE_PROVIDER) and (
        actor.organisation_id in lease_parties(lease)
    ):
        return
    raise _not_found("lease", lease.id)
