"""Engines and sessions, created on demand (never at import time)."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from matching.db_liveness import ping_after_idle

# Every session records the changes that reach back into closed quarters (its flush hook).
import matching.late_changes  # noqa: F401  isort: skip


def _prepare_sqlite_file(url: str) -> None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers work while one writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """Return the (cached) engine for a database URL."""
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url)
    ping_after_idle(engine)  # not pool_pre_ping: that is a round trip more per request
    return engine


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """Yield a session that is closed afterwards; services commit themselves."""
    session = Session(get_engine(url), expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
