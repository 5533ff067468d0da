"""A pooled connection the server closed while it lay idle is replaced before a request uses
it, without a round trip of its own on every checkout (matching/db_liveness.py)."""

import pytest
from sqlalchemy import create_engine, exc, text
from sqlalchemy.engine import Engine

from matching import db_liveness
from tests import conftest

pytestmark = pytest.mark.skipif(not conftest.POSTGRES_URL, reason="needs PostgreSQL")


def _engine(*, liveness: bool) -> Engine:
    engine = create_engine(conftest.POSTGRES_URL, pool_size=1, max_overflow=0)
    if liveness:
        db_liveness.ping_after_idle(engine)
    return engine


def _server_closes_the_pooled_connection(engine: Engine) -> None:
    """Leave one connection in the pool, then have the server end it, as a restart would."""
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with create_engine(conftest.POSTGRES_URL).connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_connection_closed_while_idle_is_replaced_before_the_query(monkeypatch):
    monkeypatch.setattr(db_liveness, "IDLE_SECONDS", 0.0)
    engine = _engine(liveness=True)
    _server_closes_the_pooled_connection(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 41 + 1")).scalar_one() == 42
    engine.dispose()


def test_without_the_check_the_query_on_the_closed_connection_fails():
    engine = _engine(liveness=False)
    _server_closes_the_pooled_connection(engine)
    with pytest.raises(exc.OperationalError), engine.connect() as connection:
        connection.execute(text("SELECT 41 + 1"))
    engine.dispose()


def test_a_connection_handed_back_moments_ago_goes_to_its_query_without_a_ping(monkeypatch):
    """No round trip of its own before the query: which shows in the one case it costs, a
    connection the server closed within those seconds, whose query then fails once."""
    monkeypatch.setattr(db_liveness, "IDLE_SECONDS", 60.0)
    engine = _engine(liveness=True)
    _server_closes_the_pooled_connection(engine)
    with pytest.raises(exc.OperationalError), engine.connect() as connection:
        connection.execute(text("SELECT 41 + 1"))
    with engine.connect() as connection:  # the pool replaced it
        assert connection.execute(text("SELECT 41 + 1")).scalar_one() == 42
    engine.dispose()
