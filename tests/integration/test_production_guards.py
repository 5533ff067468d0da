"""What production refuses: the demo (its accounts share a published password), a secret key
short enough to guess, and a page over TLS without HSTS."""

import shutil

import pytest
from click.testing import CliRunner
from sqlmodel import Session, func, select

from matching.cli import main
from matching.config import (
    MIN_PRODUCTION_SECRET_LENGTH,
    ConfigurationError,
    Settings,
    load_settings,
)
from matching.db import get_engine
from matching.models import User
from matching.web import create_app

LONG_SECRET = "a production secret long enough to sign sessions"
HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture
def cli(tmp_path, monkeypatch, migrated_sqlite):  # type: ignore[no-untyped-def]
    """Run commands against a fresh, migrated SQLite database under tmp_path (a copy of
    `migrated_sqlite`, see conftest.py, which `db upgrade` finds at the newest revision)."""
    shutil.copyfile(migrated_sqlite, tmp_path / "guards.sqlite")
    url = f"sqlite:///{tmp_path / 'guards.sqlite'}"
    monkeypatch.setenv("MATCHING_DATABASE_URL", url)
    monkeypatch.setenv("MATCHING_INSTANCE_DIR", str(tmp_path / "instance"))
    runner = CliRunner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(main, list(args))

    assert run("db", "upgrade").exit_code == 0
    assert run("seed", "reference").exit_code == 0
    run.url = url  # type: ignore[attr-defined]
    return run


def test_the_demo_refuses_to_load_in_production_and_writes_nothing(cli, monkeypatch):
    monkeypatch.setenv("MATCHING_ENV", "production")
    monkeypatch.setenv("MATCHING_SECRET_KEY", LONG_SECRET)
    result = cli("seed", "demo")
    assert result.exit_code != 0
    assert "MATCHING_ENV=production" in result.output and "password" in result.output
    with Session(get_engine(cli.url)) as session:
        assert session.exec(select(func.count()).select_from(User)).one() == 0
    assert cli("seed", "demo", "--if-empty").exit_code != 0


def test_production_refuses_a_secret_key_shorter_than_the_minimum(cli, monkeypatch):
    short = "k" * (MIN_PRODUCTION_SECRET_LENGTH - 1)
    with pytest.raises(ConfigurationError, match="MATCHING_SECRET_KEY"):
        load_settings({"MATCHING_ENV": "production", "MATCHING_SECRET_KEY": short})
    with pytest.raises(ConfigurationError, match="at least 32"):
        create_app(Settings(database_url="sqlite://", secret_key=short, env="production"))
    monkeypatch.setenv("MATCHING_ENV", "production")
    monkeypatch.setenv("MATCHING_SECRET_KEY", short)
    result = cli("tick")
    assert result.exit_code != 0 and "MATCHING_SECRET_KEY" in result.output


def test_a_secret_key_of_the_minimum_length_is_accepted_and_development_keeps_its_own():
    enough = "k" * MIN_PRODUCTION_SECRET_LENGTH
    settings = load_settings({"MATCHING_ENV": "production", "MATCHING_SECRET_KEY": enough,
                              "MATCHING_DATABASE_URL": "sqlite://"})
    assert settings.secret_key == enough
    assert load_settings({"MATCHING_SECRET_KEY": "test"}).secret_key == "test"


@pytest.mark.parametrize("env", ["development", "production"])
def test_a_page_served_over_tls_carries_hsts_and_one_over_plain_http_does_not(env):
    app = create_app(Settings(database_url="sqlite://", secret_key=LONG_SECRET, env=env))
    client = app.test_client()
    assert client.get("/aanmelden", base_url="https://matching.example").headers[
        "Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in client.get(
        "/aanmelden", base_url="http://matching.example").headers


def test_behind_a_trusted_proxy_the_forwarded_scheme_decides_and_a_forged_one_does_not():
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    behind = create_app(Settings(database_url="sqlite://", secret_key=LONG_SECRET,
                                 env="production", trusted_proxies=1))
    response = behind.test_client().get("/aanmelden", headers=forwarded)
    assert response.headers["Strict-Transport-Security"] == HSTS
    direct = create_app(Settings(database_url="sqlite://", secret_key=LONG_SECRET,
                                 env="production"))
    forged = direct.test_client().get("/aanmelden", headers=forwarded)
    assert "Strict-Transport-Security" not in forged.headers
