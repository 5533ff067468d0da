"""The `matching planning` commands: the year's task in full and pro-rated from the approach's
start, confirming the pro-rated task (an administrator), and confirming a new year's
provisional contingents (the contingent manager)."""

import click

from matching.cli_common import database_url as _database_url
from matching.cli_common import refused as _fail
from matching.db import session_scope
from matching.services.errors import ServiceError


@click.group()
def planning() -> None:
    """The year plan: the approach's start and the contingents of a new year."""


@planning.command("show")
@click.argument("year", type=int)
def planning_show(year: int) -> None:
    """Show the year's task per quarter, in full and pro-rated from the approach's start."""
    from matching.services.approach import approach_plan
    from matching.services.provisional_contingents import is_provisional

    with session_scope(_database_url()) as session:
        plan = approach_plan(session, year)
        provisional = is_provisional(session, year)
    click.echo(f"{year} full year: {plan.full_task} "
               f"({'/'.join(map(str, plan.full_quarters))}), instroom {plan.full_instroom}")
    if plan.starts_within_year:
        state = (f"confirmed by {plan.confirmed_by} at {plan.confirmed_at.isoformat()}"
                 if plan.confirmed_at else "policy choice, not confirmed: quotas follow the "
                 "full year")
        click.echo(f"{year} from month {plan.start_month} ({plan.first_quarter}): "
                   f"{plan.pro_rated_task} ({'/'.join(map(str, plan.pro_rated_quarters))}), "
                   f"instroom {plan.pro_rated_instroom}; {state}")
    click.echo(f"contingents: {'provisional' if provisional else 'not provisional'}")


@planning.command("confirm-start")
@click.argument("year", type=int)
@click.option("--by", "email", required=True, help="e-mail of the administrator confirming")
def planning_confirm_start(year: int, email: str) -> None:
    """Confirm that the year's quotas follow the task pro-rated from the approach's start;
    exits 1 with the reason when refused."""
    from matching.services.approach import confirm_approach_start
    from matching.services.users import user_by_email

    with session_scope(_database_url()) as session:
        try:
            confirm_approach_start(session, year=year, actor=user_by_email(session, email))
        except ServiceError as error:
            raise _fail(error) from error
    click.echo(f"{year}: the pro-rated task is confirmed by {email}")


@planning.command("confirm-contingents")
@click.argument("year", type=int)
@click.option("--by", "email", required=True, help="e-mail of the contingent manager")
def planning_confirm_contingents(year: int, email: str) -> None:
    """Confirm the year's provisional contingents as they stand; exits 1 when refused."""
    from matching.services.provisional_contingents import confirm_contingents
    from matching.services.users import user_by_email

    with session_scope(_database_url()) as session:
        try:
            confirm_contingents(session, year=year, actor=user_by_email(session, email))
        except ServiceError as error:
            raise _fail(error) from error
    click.echo(f"{year}: the provisional contingents are confirmed by {email}")
