"""Who may see and do what: roles, and the organisation that owns each object. A row the user
may not see is "not found", like a row that does not exist, so its existence does not leak;
`get_or_404` is the lookup by id both start from. Below both the services (the use cases)
and the queries (the reads), which call the same rules."""

from typing import Any, TypeVar

from sqlmodel import Session

from matching.errors import NotFound, PermissionDenied
from matching.models import Client, Dwelling, Lease, User
from matching.vocabulary import Role

T = TypeVar("T")

MAX_ID = 2_147_483_647  # PostgreSQL's integer, the type of every id column


def require_role(actor: User | None, *roles: Role) -> User:
    """Return the actor if its role is one of `roles`; otherwise PermissionDenied."""
    if actor is None or not actor.active or actor.role not in roles:
        raise PermissionDenied("your role may not do this")
    return actor


def not_found(kind: str, object_id: Any) -> NotFound:
    """The answer for a row that does not exist or that the user may not see: the same."""
    return NotFound(f"{kind} {object_id} not found")


def check_dwelling_owner(actor: User, dwelling: Dwelling) -> None:
    """Let only the owning corporation through; others do not learn the dwelling exists."""
    if dwelling.corporation_id != actor.organisation_id:
        raise not_found("dwelling", dwelling.id)


def check_dwelling_visible(actor: User, dwelling: Dwelling) -> None:
    """The owner and the matching agency see a dwelling; nobody else."""
    if actor.role == Role.MATCHER:
        return
    if actor.role == Role.CORPORATION:
        check_dwelling_owner(actor, dwelling)
        return
    raise not_found("dwelling", dwelling.id)


def check_client_visible(actor: User, client: Client) -> None:
    """The client's own care provider and the matching agency see a client."""
    if actor.role == Role.MATCHER:
        return
    if actor.role == Role.CARE_PROVIDER and client.care_provider_id == actor.organisation_id:
        return
    raise not_found("client", client.id)


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
    raise not_found("lease", lease.id)


def refuse_impossible_id(model: type, object_id: Any) -> None:
    """NotFound for an id no row can have, before the database is asked."""
    if isinstance(object_id, int) and not 0 < object_id <= MAX_ID:
        # No row has such an id, and the database would refuse the number with an error.
        raise not_found(model.__name__.lower(), object_id)
    if isinstance(object_id, str) and "\x00" in object_id:
        # Likewise no text key holds a NUL character, which PostgreSQL refuses outright.
        raise NotFound(f"{model.__name__.lower()} not found")


def get_or_404(session: Session, model: type[T], object_id: Any) -> T:
    """Load one row by primary key, or raise NotFound."""
    refuse_impossible_id(model, object_id)
    row = session.get(model, object_id)
    if row is None:
        raise not_found(model.__name__.lower(), object_id)
    return row
