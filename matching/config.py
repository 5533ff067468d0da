"""Settings read from the environment; nothing here touches the database."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INSTANCE_DIR = Path.cwd() / "instance"


class ConfigurationError(RuntimeError):
    """A setting is missing or unsafe for the environment it runs in."""


# A production key signs every session cookie: 32 characters at least, so it cannot be
# guessed (a random one: python -c "import secrets; print(secrets.token_urlsafe(48))").
MIN_PRODUCTION_SECRET_LENGTH = 32

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
DEFAULT_MAIL_FROM = "Matching Utrecht <noreply@matching.invalid>"


@dataclass(frozen=True)
class MailSettings:
    """Where e-mail goes: an SMTP server (`smtp://`, `smtps://`), or `console:` to print it
    (the development default); the sender; and the address links in a mail point to."""

    smtp_url: str | None = None
    sender: str = DEFAULT_MAIL_FROM
    base_url: str = DEFAULT_BASE_URL


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    env: str
    mail: MailSettings = MailSettings()
    # How many proxies in front may be believed about the client's address and scheme
    # (X-Forwarded-For, X-Forwarded-Proto); 0 believes none, so nobody can forge them.
    trusted_proxies: int = 0
    # How long the report pages share a report's figures (matching/web/recent_reports.py);
    # 0 computes them on every view; at most a day (figures of an earlier day are never shown).
    report_figures_seconds: int = 30

    def __post_init__(self) -> None:
        if self.is_production and len(self.secret_key) < MIN_PRODUCTION_SECRET_LENGTH:
            raise ConfigurationError(
                f"MATCHING_SECRET_KEY must be at least {MIN_PRODUCTION_SECRET_LENGTH} characters "
                "when MATCHING_ENV=production; make one with: python -c \"import secrets; "
                "print(secrets.token_urlsafe(48))\"")

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


SECONDS_A_DAY = 24 * 60 * 60


def _whole_number(name: str, value: str | None, default: int, meaning: str,
                  at_most: int | None = None) -> int:
    text = (value or str(default)).strip()
    if not (text.isascii() and text.isdigit()):
        raise ConfigurationError(f"{name} must be {meaning} (0, 1, ...), not {value!r}")
    if at_most is not None and int(text) > at_most:
        raise ConfigurationError(f"{name} must be {meaning} up to {at_most}, not {value!r}")
    return int(text)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read MATCHING_DATABASE_URL, MATCHING_SECRET_KEY, MATCHING_ENV, the mail settings
    (MATCHING_SMTP_URL, MATCHING_MAIL_FROM, MATCHING_BASE_URL), MATCHING_TRUSTED_PROXIES and
    MATCHING_REPORT_FIGURES_SECONDS."""
    env = dict(os.environ if environ is None else environ)
    mode = env.get("MATCHING_ENV", "development")
    secret = env.get("MATCHING_SECRET_KEY", "")
    if not secret:
        if mode == "production":
            raise ConfigurationError("MATCHING_SECRET_KEY must be set when MATCHING_ENV=production")
        secret = _development_secret_key()
    url = env.get("MATCHING_DATABASE_URL") or default_database_url()
    smtp_url = env.get("MATCHING_SMTP_URL") or ("console:" if mode != "production" else None)
    mail = MailSettings(
        smtp_url=smtp_url,
        sender=env.get("MATCHING_MAIL_FROM") or DEFAULT_MAIL_FROM,
        base_url=(env.get("MATCHING_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
    )
    return Settings(
        database_url=url, secret_key=secret, env=mode, mail=mail,
        trusted_proxies=_whole_number("MATCHING_TRUSTED_PROXIES",
                                      env.get("MATCHING_TRUSTED_PROXIES"), 0,
                                      "the number of proxies in front"),
        report_figures_seconds=_whole_number("MATCHING_REPORT_FIGURES_SECONDS",
                                             env.get("MATCHING_REPORT_FIGURES_SECONDS"), 30,
                                             "a number of seconds", at_most=SECONDS_A_DAY),
    )
