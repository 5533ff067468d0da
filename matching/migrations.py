"""Run the Alembic migrations shipped with the package."""

from alembic import command
from alembic.config import Config

from matching.resources import resource_dir


def alembic_config(database_url: str) -> Config:
    """Return an Alembic configuration for `database_url`, without an alembic.ini file."""
    config = Config()
    config.set_main_option("script_location", str(resource_dir("db")))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Create or migrate the schema to `revision`."""
    command.upgrade(alembic_config(database_url), revision)
