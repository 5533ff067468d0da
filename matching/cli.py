"""The `matching` command for operators, cron and tests. Every command calls services."""

import sys
from datetime import UTC, datetime
from typing import Any

import click

from matching.cli_common import database_url as _database_url
from matching.cli_common import refused as _fail
from matching.cli_common import settings as _settings
from matching.config import ConfigurationError, load_settings
from matching.db import session_scope
from matching.services.errors import ServiceError


@click.group()
def main() -> None:
    """Matching: dwellings for people leaving shelters and protected living."""
    # Importing the machines registers them with the workflow engine.
    import matching.workflow  # noqa: F401


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema (Alembic)."""
    from matching.migrations import upgrade

    upgrade(_database_url(), revision)
    click.echo(f"database at revision {revision}")


@main.group()
def seed() -> None:
    """Load reference or demo data."""


@seed.command("reference")
def seed_reference() -> None:
    """Load organisations, target groups, reason codes and year parameters (idempotent)."""
    from matching.services.reference import load_reference

    with session_scope(_database_url()) as session:
        report = load_reference(session)
    if report.total_changes == 0:
        click.echo("reference data already up to date")
        return
    for name in sorted(set(report.added) | set(report.changed)):
        click.echo(f"{name}: {report.added.get(name, 0)} added, "
                   f"{report.changed.get(name, 0)} changed")


@seed.command("demo")
@click.option("--if-empty", is_flag=True,
              help="if the demo is loaded already, print its logins instead of failing")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="the demo's last day, YYYY-MM-DD (default: today)")
def seed_demo(if_empty: bool, today: datetime | None) -> None:
    """Add the deterministic demo year up to today (or --today) and print one login per role."""
    from matching.demo import DemoAlreadyLoaded, build_demo, role_logins_text

    if _settings().is_production:
        raise click.ClickException(
            "the demo is not loaded when MATCHING_ENV=production: its accounts share a "
            "password published in the README; create real users with `matching users create`")
    with session_scope(_database_url()) as session:
        try:
            report = build_demo(session, today=today.date() if today else None)
        except DemoAlreadyLoaded as error:
            if not if_empty:
                raise click.ClickException(str(error)) from error
            click.echo(f"{error}\n{role_logins_text()}")
            return
        except ValueError as error:
            raise click.ClickException(str(error)) from error
    click.echo(report.summary())


@main.group()
def users() -> None:
    """Manage users and API tokens."""


@users.command("create")
@click.argument("email")
@click.option("--organisation", required=True, help="organisation name, e.g. Portaal")
@click.option("--role", required=True,
              type=click.Choice(["corporation", "matcher", "care_provider", "analyst", "admin"]))
@click.option("--generate-password", is_flag=True, help="generate and print a password")
@click.option("--contingent-manager", is_flag=True, help="may divide contingents")
def users_create(email: str, organisation: str, role: str, generate_password: bool,
                 contingent_manager: bool) -> None:
    """Create a user; the password is read from standard input unless generated."""
    from matching.services.users import create_user
    from matching.services.users import generate_password as new_password

    password = (new_password(email=email) if generate_password
                else sys.stdin.readline().rstrip("\n"))
    with session_scope(_database_url()) as session:
        try:
            user = create_user(session, email=email, organisation_name=organisation, role=role,
                               password=password, contingent_manager=contingent_manager)
        except ServiceError as error:
            raise _fail(error) from error
    click.echo(f"created {user.email} ({role}, {organisation})")
    if generate_password:
        click.echo(f"password: {password}")


@users.command("token")
@click.argument("email")
def users_token(email: str) -> None:
    """Print a new API token for the user (only its hash is stored)."""
    from matching.services.users import create_api_token, user_by_email

    with session_scope(_database_url()) as session:
        try:
            token = create_api_token(session, user=user_by_email(session, email))
        except ServiceError as error:
            raise _fail(error) from error
    click.echo(token)


@users.command("reset-second-factor")
@click.argument("email")
def users_reset_second_factor(email: str) -> None:
    """Turn off a user's second factor (a lost phone and lost recovery codes) and sign them
    out; an administrator sets it up again at the next sign-in."""
    from matching.services.two_factor import reset_second_factor
    from matching.vocabulary import utcnow

    with session_scope(_database_url()) as session:
        try:
            user = reset_second_factor(session, email=email, now=utcnow())
        except ServiceError as error:
            raise _fail(error) from error
    click.echo(f"second factor of {user.email} turned off; signed out everywhere")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web application and the API with a production WSGI server (gunicorn)."""
    from matching.server import run

    load_settings()  # fail early on an unsafe configuration
    run(host=host, port=port, workers=workers)


def _parse_moment(_ctx: Any, _param: Any, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter("use ISO 8601, e.g. 2021-07-01T09:00:00+02:00") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _mailer() -> Any:
    """The outbox's mailer from the settings, or a ClickException saying what is missing."""
    from matching.notifications.outbox import mailer_for

    try:
        return mailer_for(load_settings().mail)
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error


def _mail_summary(report: Any) -> str:
    text = f"e-mail: {report.sent} sent carrying {report.mails} notifications"
    if report.dropped:
        text += f", {report.dropped} not sent (read already or user inactive)"
    if report.failed:
        text += f", {report.failed} refused and queued for a retry"
    return text


@main.command("tick")
@click.option("--now", callback=_parse_moment, help="the moment to act as of (ISO 8601)")
def tick(now: datetime | None) -> None:
    """Fire every transition and reminder that is due, erase the personal fields of clients
    whose retention ran out, delete expired sessions, sign-in records and idempotent answers,
    and deliver the outbox; safe to run twice, concurrently, or after a pause."""
    from matching.notifications.outbox import mailer_for
    from matching.services.timers import run_tick

    moment = now or datetime.now(UTC)
    try:
        mailer = mailer_for(load_settings().mail)
    except ConfigurationError as error:
        mailer = None  # the transitions and notices still run; the mails wait
        click.echo(f"e-mail not sent: {error}", err=True)
    with session_scope(_database_url()) as session:
        report = run_tick(session, now=moment, mailer=mailer)
    fired = ", ".join(f"{name} {count}" for name, count in sorted(report.fired.items()))
    noticed = ", ".join(f"{kind} {count}" for kind, count in sorted(report.noticed.items()))
    click.echo(f"tick {moment.isoformat()}: {fired or 'nothing due'}")
    click.echo(f"notifications: {noticed or 'none due'}")
    expired = ", ".join(f"{table} {count}" for table, count in sorted(report.expired.items())
                        if count)
    click.echo(f"retention: {report.erased} client(s) erased; expired: {expired or 'nothing'}")
    if report.provisional_contingents:
        click.echo(f"contingents: the year divided provisionally over "
                   f"{report.provisional_contingents} care providers (previous year's shares)")
    if report.mail is not None:
        click.echo(_mail_summary(report.mail))
        for problem in report.mail.errors:
            click.echo(f"  refused: {problem}", err=True)


@main.group()
def quarters() -> None:
    """Close quarters (vaststellen) and enter their total lettings."""


@quarters.command("close")
@click.argument("quarter")
@click.option("--by", "email", required=True,
              help="e-mail of the agency user (role matcher) who closes the quarter")
@click.option("--now", callback=_parse_moment, help="the moment to act as of (ISO 8601)")
def quarters_close(quarter: str, email: str, now: datetime | None) -> None:
    """Freeze an ended quarter's report (like 2025Q4) as a snapshot, acting as the agency
    user named by --by; exits 1 with the reason when refused (not ended yet, closed already,
    not an agency user)."""
    from matching.services.closing import close_quarter
    from matching.services.users import user_by_email

    with session_scope(_database_url()) as session:
        try:
            closed = close_quarter(session, quarter=quarter, actor=user_by_email(session, email),
                                   now=now)
        except ServiceError as error:
            raise _fail(error) from error
    click.echo(f"closed {closed.quarter} at {closed.closed_at.isoformat()} by "
               f"{closed.closed_by['email']} ({closed.closed_by['organisation']})")


def _whole_or_text(text: str) -> Any:
    """A count as typed; what is not a whole number goes to the service, which names it."""
    return int(text) if text.strip().isdigit() else text


@quarters.command("total-lettings")
@click.argument("quarter")
@click.argument("total")
@click.option("--source", required=True, help="where the figure comes from, e.g. WoningNet")
@click.option("--by", "email", required=True,
              help="e-mail of the agency user (role matcher) or administrator entering it")
def quarters_total_lettings(quarter: str, total: str, source: str, email: str) -> None:
    """Enter the corporations' total new lettings of a quarter (like 2025Q1 612), the
    denominator of the 30% rule, replacing an earlier value; exits 1 naming each refused
    field."""
    from matching.services.steering import set_total_lettings
    from matching.services.users import user_by_email

    with session_scope(_database_url()) as session:
        try:
            row = set_total_lettings(session, quarter=quarter, total=_whole_or_text(total),
                                     source=source, actor=user_by_email(session, email))
        except ServiceError as error:
            raise _fail(error) from error
        click.echo(f"total lettings {row.quarter}: {row.total} ({row.source}), by {email}")


@main.group()
def statushouders() -> None:
    """The statushouder half-year task."""


@statushouders.command("rung")
@click.argument("half")
@click.argument("rung")
@click.option("--note", required=True, help="the province's decision: letter, date, reason")
@click.option("--by", "email", required=True, help="e-mail of the administrator recording it")
def statushouders_rung(half: str, rung: str, note: str, email: str) -> None:
    """Record the intervention-ladder rung the province set after a half-year (like 2022H1
    3); the statushouder report then shows it with the note. Exits 1 naming each refused
    field."""
    from matching.services.steering import set_statushouder_rung
    from matching.services.users import user_by_email

    with session_scope(_database_url()) as session:
        try:
            row = set_statushouder_rung(session, half=half, rung=_whole_or_text(rung),
                                        note=note, actor=user_by_email(session, email))
        except ServiceError as error:
            raise _fail(error) from error
        click.echo(f"rung {row.rung} recorded for {row.half_year} ({row.note}), by {email}")


@main.group()
def outbox() -> None:
    """The e-mail outbox."""


@outbox.command("send")
@click.option("--now", callback=_parse_moment, help="the moment to act as of (ISO 8601)")
def outbox_send(now: datetime | None) -> None:
    """Deliver the e-mails waiting in the outbox; a refused one stays queued with its error
    (and the command exits with status 1)."""
    from matching.notifications.outbox import send_outbox, waiting_mails

    mailer = _mailer()
    with session_scope(_database_url()) as session:
        report = send_outbox(session, now=now or datetime.now(UTC), mailer=mailer)
        waiting = waiting_mails(session)
    click.echo(f"{_mail_summary(report)}; {waiting} waiting")
    if report.failed:
        for problem in report.errors:
            click.echo(f"  refused: {problem}", err=True)
        raise SystemExit(1)


# The access log and subject access live in their own module; added here, once `main` exists.
from matching.cli_privacy import audit, clients  # noqa: E402

main.add_command(audit)
main.add_command(clients)

# Institution dwellings flipped to a regular lease (matching/cli_leases.py).
from matching.cli_leases import leases  # noqa: E402

main.add_command(leases)

# The year plan: the approach's start and a new year's contingents (matching/cli_planning.py).
from matching.cli_planning import planning  # noqa: E402

main.add_command(planning)

# The Citydeal-overleg's nominations (matching/cli_citydeal.py).
from matching.cli_citydeal import citydeal  # noqa: E402

main.add_command(citydeal)
