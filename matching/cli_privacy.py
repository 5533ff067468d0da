"""The `matching audit` and `matching clients` commands: checking the access log's hash
chain, who accessed a client, and a client's subject-access export (AVG article 15)."""

import json

import click

from matching.audit import AccessNotRecorded, on_command_line
from matching.db import session_scope
from matching.services.errors import ServiceError


def _database_url() -> str:
    from matching.cli import _database_url as url

    return url()


@click.group()
def audit() -> None:
    """The access log of client records (NEN 7513)."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the access log's hash chain: exit 0 when intact, else name the first broken row
    and exit 1."""
    from matching.audit import verify_access_log

    with session_scope(_database_url()) as session:
        verdict = verify_access_log(session)
    if verdict.broken is not None:
        click.echo(f"access log broken at {verdict.broken}")
        click.echo(f"the {verdict.last_seq} rows before it are intact")
        raise SystemExit(1)
    click.echo(f"access log intact: {verdict.rows} rows; last row {verdict.last_seq}, "
               f"hash {verdict.last_hash}")


@audit.command("who-accessed")
@click.argument("reference")
@click.option("--organisation", required=True, help="the client's care provider, e.g. Lister")
def audit_who_accessed(reference: str, organisation: str) -> None:
    """Every recorded access to a client: when (UTC), who, organisation, action, purpose."""
    from matching.services.subject_access import who_accessed_for_operator

    with on_command_line("matching audit who-accessed"), \
            session_scope(_database_url()) as session:
        try:
            entries = who_accessed_for_operator(session, organisation=organisation,
                                                reference=reference)
        except (ServiceError, AccessNotRecorded) as error:
            raise click.ClickException(str(error)) from error
    for entry in entries:
        moment = entry.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        click.echo("\t".join((moment, entry.who, entry.organisation or "-", entry.action,
                              entry.purpose)))
    if not entries:
        click.echo(f"no recorded access to {reference} of {organisation}")


@click.group()
def clients() -> None:
    """Clients: subject access."""


@clients.command("export")
@click.argument("reference")
@click.option("--organisation", required=True, help="the client's care provider, e.g. Lister")
def clients_export(reference: str, organisation: str) -> None:
    """Print everything held about one client (record, history, rounds, leases, access log)
    as JSON, for a subject access request; the export is written to the access log."""
    from matching.services.subject_access import export_client_for_operator

    with on_command_line("matching clients export"), \
            session_scope(_database_url()) as session:
        try:
            document = export_client_for_operator(session, organisation=organisation,
                                                  reference=reference)
        except (ServiceError, AccessNotRecorded) as error:
            raise click.ClickException(str(error)) from error
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))
