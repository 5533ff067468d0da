"""What every `matching` command shares: the database named by the settings, and a service's
refusal as a command-line error (exit 1 with the reason)."""

import click

from matching.config import ConfigurationError, Settings, load_settings
from matching.services.errors import ServiceError, ValidationFailed


def settings() -> Settings:
    try:
        return load_settings()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error


def database_url() -> str:
    return settings().database_url


def refused(error: ServiceError) -> click.ClickException:
    """The command-line error for a service's refusal, naming each wrong field."""
    if isinstance(error, ValidationFailed):
        lines = [f"  {field}: {problem}" for field, problem in error.fields.items()]
        return click.ClickException("invalid input:\n" + "\n".join(lines))
    return click.ClickException(str(error))
