"""Fixtures shared by the integration tests that need a real database server."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session

from matching.cli import main
from matching.db import get_engine
from matching.services.reference import load_reference
from tests import conftest


@pytest.fixture
def pg_url() -> str:
    """A fresh PostgreSQL schema with the reference data (tests that race need row locks)."""
    assert conftest.POSTGRES_URL
    return conftest._reset_postgres(conftest.POSTGRES_URL, reference=True)


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


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database file built by `matching db upgrade`, once per worker: the migrations
    take seconds, and the `cli` tests copy the file rather than run them all again."""
    folder = tmp_path_factory.mktemp("migrated")
    path = folder / "migrated.sqlite"
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("MATCHING_DATABASE_URL", url)
        monkeypatch.setenv("MATCHING_INSTANCE_DIR", str(folder / "instance"))
        result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    get_engine(url).dispose()  # the last connection closing folds the write-ahead log in
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def cli_on_each_database(database_url: str, monkeypatch: pytest.MonkeyPatch
                         ) -> Callable[..., Result]:
    """Run `matching` on the test's database (SQLite, and PostgreSQL when configured);
    `status` is the exit code expected."""
    monkeypatch.setenv("MATCHING_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str, status: int = 0) -> Result:
        result = runner.invoke(main, list(args))
        assert result.exit_code == status, result.output
        return result

    return run


@pytest.fixture
def cli(tmp_path, monkeypatch, migrated_sqlite: Path):  # type: ignore[no-untyped-def]
    """Run `matching` commands against a fresh, migrated SQLite database under tmp_path (a
    copy of `migrated_sqlite`, which `db upgrade` then finds at the newest revision);
    `ok=False` lets a command fail, and `cli.url` names the database."""
    shutil.copyfile(migrated_sqlite, tmp_path / "cli.sqlite")
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
