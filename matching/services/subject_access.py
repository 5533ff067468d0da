"""A client's own care provider asks what the system holds about a client, and who saw it
(AVG article 15, NEN 7513): the subject-access export and the client's access log, for the
care provider on its pages and for an operator on the command line. Both are logged."""

from typing import Any

from sqlmodel import Session, select

from matching.access import require_role
from matching.models import Client, Organisation
from matching.paging import Page
from matching.queries.access_log import AccessEntry, client_accesses, client_accesses_page
from matching.queries.subject_access import client_document
from matching.services.clients import log_client_reads
from matching.services.errors import NotFound
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import OrganisationKind, Role

# What an export shows (logged as the fields touched), besides the record itself.
EXPORTED = ("record", "history", "rounds", "leases", "access_log")
EXPORT_PURPOSE = "subject access export"
LOG_PURPOSE = "who accessed this client"


def _own_client(session: Session, *, client_id: int, actor: Any) -> Client:
    """The client, when it is one of the actor's care provider's; others do not exist."""
    require_role(actor, Role.CARE_PROVIDER)
    client = get_or_404(session, Client, client_id)
    if client.care_provider_id != actor.organisation_id:
        raise NotFound(f"client {client_id} not found")
    return client


def client_by_reference(session: Session, *, organisation: str, reference: str) -> Client:
    """The client a care provider knows by its reference (for an operator's request)."""
    provider = session.exec(select(Organisation).where(
        Organisation.name == organisation,
        Organisation.kind == OrganisationKind.CARE_PROVIDER)).first()
    if provider is None:
        raise NotFound(f"no care provider named '{organisation}'")
    client = session.exec(select(Client).where(
        Client.care_provider_id == provider.id, Client.reference == reference)).first()
    if client is None:
        raise NotFound(f"{organisation} has no client with reference '{reference}'")
    return client


def _export(session: Session, client: Client, actor: Any) -> dict[str, Any]:
    assert client.id is not None
    document = client_document(session, client)
    log_client_reads(session, actor=actor, client_ids=[client.id], purpose=EXPORT_PURPOSE,
                     action="export", fields=EXPORTED)
    commit(session)
    return document


@service
def export_client(session: Session, *, client_id: int, actor: Any) -> dict[str, Any]:
    """Return everything held about one of the actor's own clients, and log the export."""
    return _export(session, _own_client(session, client_id=client_id, actor=actor), actor)


@service
def export_client_for_operator(
    session: Session, *, organisation: str, reference: str
) -> dict[str, Any]:
    """Return everything held about a care provider's client for an operator on the command
    line (logged without a user), as a request by the client's care provider asks."""
    return _export(session, client_by_reference(
        session, organisation=organisation, reference=reference), None)


@service
def who_accessed(session: Session, *, client_id: int, actor: Any, page: int,
                 per_page: int) -> tuple[Client, Page[AccessEntry]]:
    """Return one of the actor's own clients with a page of its recorded accesses, newest
    first; the look is logged too."""
    client = _own_client(session, client_id=client_id, actor=actor)
    found = client_accesses_page(session, client_id, page=page, per_page=per_page)
    log_client_reads(session, actor=actor, client_ids=[client_id], purpose=LOG_PURPOSE,
                     fields=("access_log",))
    commit(session)
    return client, found


@service
def who_accessed_for_operator(session: Session, *, organisation: str,
                              reference: str) -> list[AccessEntry]:
    """Return every recorded access to a care provider's client, oldest first, for an
    operator on the command line; the look is logged too."""
    client = client_by_reference(session, organisation=organisation, reference=reference)
    assert client.id is not None
    found = client_accesses(session, client.id)
    log_client_reads(session, actor=None, client_ids=[client.id], purpose=LOG_PURPOSE,
                     fields=("access_log",))
    commit(session)
    return found
