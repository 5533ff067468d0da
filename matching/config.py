"""Settings read from the environment; nothing here touches the database."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INSTANCE_DIR = Path.cwd() / "instance"


class ConfigurationError(RuntimeError):
    """A setting is missing or unsafe for the environment it runs in."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    env: str

    @property
    def is_production(self) -> bool:
        return self.env == "production"


def instance_dir() -> Path:
    """Return the folder for the default SQLite file and the development key."""
    return Path(os.environ.get("MATCHING_INSTANCE_DIR", DEFAULT_INSTANCE_DIR))


def default_database_url() -> str:
    return f"sqlite:///{instance_dir() / 'matching.sqlite'}"


def _development_secret_key() -> str:
    # Kept on disk so sessions survive a restart of the development server.
    path = instance_dir() / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read MATCHING_DATABASE_URL, MATCHING_SECRET_KEY and MATCHING_ENV."""
    env = dict(os.environ if environ is None else environ)
    mode = env.get("MATCHING_ENV", "development")
    secret = env.get("MATCHING_SECRET_KEY", "")
    if not secret:
        if mode == "production":
            raise ConfigurationError("MATCHING_SECRET_KEY must be set when MATCHING_ENV=production")
        secret = _development_secret_key()
    url = env.get("MATCHING_DATABASE_URL") or default_database_url()
    return Settings(database_url=url, secret_key=secret, env=mode)
