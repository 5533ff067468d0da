"""The `matching leases` commands: registering an institution dwelling flipped to a regular
lease in the client's name (the same service as the pages and `POST /leases/institution`)."""

from datetime import datetime

import click

from matching.audit import on_command_line
from matching.cli_common import database_url as _database_url
from matching.cli_common import refused as _fail
from matching.db import session_scope
from matching.services.errors import ServiceError
from matching.workflow import TransitionNotAllowed


@click.group()
def leases() -> None:
    """Leases: institution dwellings flipped to a regular lease."""


@leases.command("institution")
@click.option("--client", "reference", required=True,
              help="the client's reference at its care provider")
@click.option("--organisation", required=True, help="the client's care provider, e.g. Lister")
@click.option("--corporation", required=True, help="the landlord corporation, e.g. Mitros")
@click.option("--address", required=True, help="the dwelling's address")
@click.option("--wijk", required=True, help="one of the ten districts or a U16 municipality")
@click.option("--start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="YYYY-MM-DD: the day the client became the tenant")
@click.option("--by", "email", required=True,
              help="e-mail of a user of the care provider, or of the agency (role matcher)")
def leases_institution(reference: str, organisation: str, corporation: str, address: str,
                       wijk: str, start: datetime, email: str) -> None:
    """Register the institution dwelling a client lives in as flipped to a regular lease in
    the client's name; it counts toward the provider's flip target of the year. Exits 1
    naming the reason when refused (unknown client, corporation or district, a client
    already housed or in a round, a user who may not)."""
    from matching.services.institution_flips import register_institution_flip
    from matching.services.reference import organisation_by_name
    from matching.services.subject_access import client_by_reference
    from matching.services.users import user_by_email
    from matching.vocabulary import OrganisationKind

    with on_command_line("matching leases institution"), \
            session_scope(_database_url()) as session:
        landlord = organisation_by_name(session, corporation)
        if landlord is None or landlord.kind != OrganisationKind.CORPORATION:
            raise click.ClickException(f"no corporation named '{corporation}'")
        assert landlord.id is not None
        try:
            actor = user_by_email(session, email)
            client = client_by_reference(session, organisation=organisation,
                                         reference=reference)
            assert client.id is not None
            lease = register_institution_flip(
                session, client_id=client.id, corporation_id=landlord.id, address=address,
                wijk=wijk, start_on=start.date(), actor=actor)
        except ServiceError as error:
            raise _fail(error) from error
        except TransitionNotAllowed as error:  # the client is housed or in a round
            raise click.ClickException(str(error)) from error
        click.echo(f"lease {lease.id}: {address.strip()} ({lease.wijk}) let by {corporation} "
                   f"to client {reference} of {organisation} from {lease.start_on.isoformat()}; "
                   f"counts toward {organisation}'s flip target of {lease.start_on.year}")
