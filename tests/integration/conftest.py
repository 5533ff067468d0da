"""Fixtures shared by the integration tests that need a real database server."""

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from matching.cli import main
from matching.db import get_engine
from matching.services.reference import load_reference
from tests import conftest


@pytest.fixture
def pg_url() -> str:
    """A fresh PostgreSQL schema with the reference data (tests that race need row locks)."""
    assert conftest.POSTGRES_URL
    url = conftest._reset_postgres(conftest.POSTGRES_URL)
    with Session(get_engine(url), expire_on_commit=False) as session:
        load_reference(session)
    return url


@pytest.fixture
def migrated_pg_url() -> str:
    """A fresh PostgreSQL schema built by the migrations (not by the models), with the
    reference data: a race decided by an index or constraint that only the models declare
    would pass on a `create_all` schema and fail in production."""
    from matching.migrations import upgrade

    assert conftest.POSTGRES_URL
    url = conftest._reset_postgres(conftest.POSTGRES_URL, create=False)
    upgrade(url)
    with Session(get_engine(url), expire_on_commit=False) as session:
        load_reference(session)
    return url


@pytest.fixture
def cli(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Run `matching` commands against a fresh, migrated SQLite database under tmp_path;
    `ok=False` lets a command fail, and `cli.url` names the database."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("MATCHING_DATABASE_URL", url)
    monkeypatch.setenv("MATCHING_INSTANCE_DIR", str(tmp_path / "instance"))
    runner = CliRunner()

    def run(*args: str, input: str | None = None, ok: bool = True):  # type: ignore[no-untyped-def]
        result = runner.invoke(main, list(args), input=input)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    run("db", "upgrade")
    run.url = url  # type: ignore[attr-defined]
    return run
