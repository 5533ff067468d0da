"""Fixtures: a fresh database with the whole schema per test, on SQLite, and on PostgreSQL
when configured.

Building the schema (and loading the reference data) for every test took a good part of the
suite's run time, so each worker builds them once and hands every test a fresh copy: on SQLite
a copy of a template file, on PostgreSQL the worker's schema emptied row by row (its sequences
restarted) and, when the test asks for `reference`, refilled from a template schema that holds
the reference data. Whatever a test leaves behind is gone before the next one starts; a schema
a test dropped or rebuilt itself (migration tests) is noticed and built anew.
"""

import os
import shutil
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher
from flask import Flask
from hypothesis import settings
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

import matching.models  # noqa: F401  (registers the tables)
import matching.workflow  # noqa: F401  (registers the machines)
from matching.config import Settings
from matching.db import get_engine
from matching.services import users as users_service
from matching.services.reference import load_reference
from matching.web import create_app

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
    return _schema_url(base_url, schema), schema


def _schema_url(base_url: str, schema: str) -> str:
    """The URL that works in `schema`, and commits without waiting for the disk (a test's data
    need not outlive a crash of the database server: each commit took milliseconds)."""
    separator = "&" if "?" in base_url else "?"
    return (f"{base_url}{separator}"
            f"options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff")


@event.listens_for(Engine, "connect")
def _sqlite_without_disk_waits(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """The tests' SQLite files commit without waiting for the disk (synchronous=NORMAL, safe
    with the write-ahead log but for a power cut): each commit waited milliseconds for the disk,
    and the suite commits very often. Commands the tests run as subprocesses keep the default."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# This worker's mark on the schema it built with the models; a schema without it (dropped,
# rebuilt by the migrations, or by a test) is built anew rather than emptied.
_TOKEN = f"matching-tests {uuid.uuid4().hex}"
# Per base URL: the SQL that empties the worker's schema, and the SQL that then copies the
# reference data in from the template schema (with the sequences where loading left them).
_PG_RESET: dict[str, tuple[str, str]] = {}


def _quoted(*names: str) -> str:
    return ".".join(f'"{name}"' for name in names)


def _prepare_postgres_reset(base_url: str, schema: str) -> tuple[str, str]:
    """Build the template schema with the reference data, once per worker, and the SQL that
    makes the worker's schema equal to a freshly created one (with or without it)."""
    template = f"{schema}_reference"
    with get_engine(base_url).begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{template}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{template}"'))
    template_url = _schema_url(base_url, template)
    SQLModel.metadata.create_all(get_engine(template_url))
    with Session(get_engine(template_url)) as session:
        load_reference(session)
    with get_engine(base_url).connect() as connection:
        sequences = connection.execute(
            text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = :s"),
            {"s": template},
        ).all()
        filled = [
            table.name for table in SQLModel.metadata.sorted_tables
            if connection.execute(
                text(f"SELECT EXISTS (SELECT 1 FROM {_quoted(template, table.name)})")
            ).scalar()
        ]
    get_engine(template_url).dispose()
    # Triggers (the access log is append-only, foreign keys) stay quiet while the tests'
    # data goes: session_replication_role needs the superuser the tests connect as.
    empty = ["SET LOCAL session_replication_role = replica"]
    empty += [f"DELETE FROM {_quoted(schema, table.name)}"
              for table in reversed(SQLModel.metadata.sorted_tables)]
    # setval, not ALTER SEQUENCE ... RESTART: that rewrites each sequence like DDL, which
    # took half of the reset's time.
    empty += [f"SELECT setval('{_quoted(schema, name)}', 1, false)" for name, _ in sequences]
    fill = [f"INSERT INTO {_quoted(schema, name)} SELECT * FROM {_quoted(template, name)}"
            for name in filled]
    fill += [f"SELECT setval('{_quoted(schema, name)}', {value}, true)"
             for name, value in sequences if value is not None]
    return ";\n".join(empty), ";\n".join(fill)


def _refresh_postgres(base_url: str, schema: str, *, reference: bool) -> bool:
    """Empty the worker's schema (refilling the reference data when asked); False when the
    schema is not the one this worker built, so it must be built anew."""
    empty, fill = _PG_RESET[base_url]
    try:
        with get_engine(base_url).begin() as connection:
            mark = connection.execute(
                text("SELECT obj_description(to_regnamespace(:s), 'pg_namespace'), "
                     "(SELECT count(*) FROM pg_tables WHERE schemaname = :s)"),
                {"s": schema},
            ).one()
            if tuple(mark) != (_TOKEN, len(SQLModel.metadata.tables)):
                return False
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute(empty + (";\n" + fill if reference and fill else ""))
    except psycopg.errors.InsufficientPrivilege:
        # Not a superuser: the triggers cannot be held off, so the schema is built anew.
        return False
    return True


def _reset_postgres(base_url: str, *, create: bool = True, reference: bool = False) -> str:
    """The worker's schema, fresh: empty, with the whole schema when `create` (and the
    reference data when `reference`)."""
    url, schema = postgres_schema_url(base_url)
    if create and base_url in _PG_RESET and _refresh_postgres(base_url, schema,
                                                              reference=reference):
        return url
    with get_engine(base_url).begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    if create:
        SQLModel.metadata.create_all(get_engine(url))
        with get_engine(base_url).begin() as connection:
            connection.execute(text(f"COMMENT ON SCHEMA \"{schema}\" IS '{_TOKEN}'"))
        if base_url not in _PG_RESET:
            _PG_RESET[base_url] = _prepare_postgres_reset(base_url, schema)
        if reference and not _refresh_postgres(base_url, schema, reference=True):
            with Session(get_engine(url)) as session:
                load_reference(session)
    return url


_SQLITE_TEMPLATES: dict[tuple[bool, bool], Path] = {}


def _sqlite_copy(path: Path, *, reference: bool, tmp_path_factory: pytest.TempPathFactory,
                 plain: bool = False) -> str:
    """A fresh SQLite database at `path`: a copy of this worker's template file, built as
    the application's engine builds one (write-ahead log), or with a `plain` engine."""
    key = (reference, plain)
    if key not in _SQLITE_TEMPLATES:
        template = tmp_path_factory.mktemp("templates") / "template.sqlite"
        url = f"sqlite:///{template}"
        engine = create_engine(url) if plain else get_engine(url)
        SQLModel.metadata.create_all(engine)
        if reference:
            with Session(engine) as session:
                load_reference(session)
        engine.dispose()  # the last connection closing folds the write-ahead log in
        assert not template.with_name(template.name + "-wal").exists()
        _SQLITE_TEMPLATES[key] = template
    shutil.copyfile(_SQLITE_TEMPLATES[key], path)
    return f"sqlite:///{path}"


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash test users' passwords with argon2id at its cheapest: the suite creates and signs
    in thousands of users, and the production cost (tens of milliseconds a hash, on purpose)
    would dominate its run time. Commands run as subprocesses keep the real cost."""
    monkeypatch.setattr(users_service, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


# The databases that already hold the reference data (so `reference` need not load it).
_WITH_REFERENCE: set[str] = set()


@pytest.fixture(params=_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database with the whole schema: SQLite always, PostgreSQL when configured;
    for a test that asks for `reference`, with the reference data already loaded."""
    with_reference = "reference" in request.fixturenames
    if request.param == "postgres":
        assert POSTGRES_URL
        url = _reset_postgres(POSTGRES_URL, reference=with_reference)
    else:
        url = _sqlite_copy(tmp_path / "test.sqlite", reference=with_reference,
                           tmp_path_factory=tmp_path_factory)
    if with_reference:
        _WITH_REFERENCE.add(url)
    yield url
    _WITH_REFERENCE.discard(url)
    # A SQLite file's connections go with it; the worker's PostgreSQL schema stays, and so
    # do its pooled connections (with the server's catalogue warm, its next test starts
    # faster than on new ones).
    if request.param != "postgres":
        get_engine(url).dispose()


@pytest.fixture
def engine(database_url: str):  # type: ignore[no-untyped-def]
    return get_engine(database_url)


@pytest.fixture
def session(engine) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def reference(session: Session, database_url: str) -> Session:
    """A session on a database with the reference data loaded."""
    if database_url not in _WITH_REFERENCE:
        load_reference(session)
    return session


@pytest.fixture
def sqlite_session(tmp_path: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """A session on a fresh SQLite database with reference data (for SQLite-only tests)."""
    url = _sqlite_copy(tmp_path / "only.sqlite", reference=True,
                       tmp_path_factory=tmp_path_factory, plain=True)
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        yield session


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the files: those with a test marked `slow` and the browser tests (few tests,
    each long) first, then the others by their number of tests, most first. A file's tests
    keep their order. Under `make test` pytest-xdist hands whole files out (`--dist
    loadfile`) in its own order, by number of tests, and this order only breaks its ties;
    measured on 2026-12-04 both workers still ended within seconds of each other."""
    def file_of(item: pytest.Item) -> str:
        return item.nodeid.split("::")[0]

    sizes = Counter(file_of(item) for item in items)
    slow = {file_of(item) for item in items
            if item.get_closest_marker("slow") or file_of(item).startswith("tests/browser/")}
    items.sort(key=lambda item: (file_of(item) not in slow, -sizes[file_of(item)],
                                 file_of(item)))


_APPLICATION: list[Flask] = []


def new_application(database_url: str, **settings: Any) -> Flask:
    """A freshly built application on `database_url`, in development mode, with `settings`
    (say `trusted_proxies=1`): for a test that changes what the shared one must keep."""
    return create_app(Settings(database_url=database_url, secret_key="test",
                               env="development", **settings))


def application_on(database_url: str) -> Iterator[Flask]:
    """The application on `database_url`, for the web and API tests' `app` fixture.

    Building an application (its routes) and compiling the templates on its first pages took
    about a tenth of a second per test, a minute and more of the suite's time. So each worker
    builds one, points it at each test's database in turn and puts back afterwards whatever
    configuration the test changed. A test that adds a route builds its own."""
    if not _APPLICATION:
        _APPLICATION.append(new_application(database_url))
    app = _APPLICATION[0]
    settled = dict(app.config)
    app.config["MATCHING_DATABASE_URL"] = database_url
    try:
        yield app
    finally:
        app.config.clear()
        app.config.update(settled)
