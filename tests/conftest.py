"""Fixtures: a migrated-free schema per test on SQLite, and on PostgreSQL when configured."""

import os
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from hypothesis import settings
from sqlalchemy import text
from sqlmodel import Session, SQLModel, create_engine

import matching.models  # noqa: F401  (registers the tables)
import matching.workflow  # noqa: F401  (registers the machines)
from matching.db import get_engine
from matching.services import users as users_service
from matching.services.reference import load_reference

POSTGRES_URL = os.environ.get("MATCHING_TEST_POSTGRES_URL")

# Property tests judge answers, not speed: on a busy two-core machine an example that usually
# takes a millisecond can take a few hundred, which hypothesis's default deadline calls a
# failure. Speed is measured in benchmarks/.
settings.register_profile("matching", deadline=None)
settings.load_profile("matching")

_BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def postgres_schema_url(base_url: str) -> tuple[str, str]:
    """Give each pytest-xdist worker its own schema, so parallel workers never collide."""
    schema = "test_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}", schema


def _reset_postgres(base_url: str, *, create: bool = True) -> str:
    url, schema = postgres_schema_url(base_url)
    with get_engine(base_url).begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    if create:
        SQLModel.metadata.create_all(get_engine(url))
    return url


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash test users' passwords with argon2id at its cheapest: the suite creates and signs
    in thousands of users, and the production cost (tens of milliseconds a hash, on purpose)
    would dominate its run time. Commands run as subprocesses keep the real cost."""
    monkeypatch.setattr(users_service, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture(params=_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh database with the whole schema: SQLite always, PostgreSQL when configured."""
    if request.param == "postgres":
        assert POSTGRES_URL
        url = _reset_postgres(POSTGRES_URL)
        yield url
        get_engine(url).dispose()
    else:
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
        SQLModel.metadata.create_all(get_engine(url))
        yield url
        get_engine(url).dispose()


@pytest.fixture
def engine(database_url: str):  # type: ignore[no-untyped-def]
    return get_engine(database_url)


@pytest.fixture
def session(engine) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def reference(session: Session) -> Session:
    """A session on a database with the reference data loaded."""
    load_reference(session)
    return session


@pytest.fixture
def sqlite_session(tmp_path) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    """A session on a fresh SQLite database with reference data (for SQLite-only tests)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'only.sqlite'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_reference(session)
        yield session
