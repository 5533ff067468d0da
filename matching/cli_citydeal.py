"""The `matching citydeal` commands: recording the Citydeal-overleg's nomination of a client of
target group citydeal (the same service as the client's page and
`POST /clients/{id}/citydeal-nomination`)."""

from datetime import datetime

import click

from matching.audit import on_command_line
from matching.cli_common import database_url as _database_url
from matching.cli_common import refused as _fail
from matching.db import session_scope
from matching.services.errors import ServiceError


@click.group()
def citydeal() -> None:
    """City Deal: the Citydeal-overleg's nominations."""


@citydeal.command("nominate")
@click.option("--client", "reference", required=True,
              help="the client's reference at its care provider")
@click.option("--organisation", required=True, help="the client's care provider, e.g. Lister")
@click.option("--on", "nominated_on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="YYYY-MM-DD: the day the Citydeal-overleg put the client forward")
@click.option("--by", "email", required=True,
              help="e-mail of the agency user (role matcher) recording it")
def citydeal_nominate(reference: str, organisation: str, nominated_on: datetime,
                      email: str) -> None:
    """Record that the Citydeal-overleg nominated a client of target group citydeal; it
    counts in the year's City Deal contingent. Exits 1 naming the reason when refused
    (unknown client or user, not a City Deal client, housed, withdrawn or already
    nominated, a day in the future, a user who may not)."""
    from matching.services.citydeal import record_citydeal_nomination
    from matching.services.subject_access import client_by_reference
    from matching.services.users import user_by_email

    with on_command_line("matching citydeal nominate"), \
            session_scope(_database_url()) as session:
        try:
            actor = user_by_email(session, email)
            client = client_by_reference(session, organisation=organisation,
                                         reference=reference)
            assert client.id is not None
            client = record_citydeal_nomination(session, client_id=client.id,
                                                nominated_on=nominated_on.date(), actor=actor)
        except ServiceError as error:
            raise _fail(error) from error
        assert client.citydeal_nominated_on is not None
        day = client.citydeal_nominated_on
        click.echo(f"client {reference} of {organisation}: nominated by the Citydeal-overleg "
                   f"on {day.isoformat()}; counts toward the City Deal contingent of {day.year}")
