"""Test a pooled PostgreSQL connection before use only when it has lain idle a while.

SQLAlchemy's `pool_pre_ping` asks the server `SELECT 1` at every checkout: one round trip
more for every page and API call, which under load costs as much as a query of the page
itself. A connection that was handed back moments ago is alive all but certainly; one that
lay idle may have been closed meanwhile (a server restart, an idle timeout, a failover),
and using it would answer the request with an error. So only a connection idle for
`IDLE_SECONDS` or more is pinged; a dead one is replaced before the request sees it
(raising DisconnectionError from a checkout handler makes the pool connect afresh).
"""

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

# Longer than the pause between requests of a busy worker, far shorter than any server's
# idle timeout; a server restart within this window still fails one request per connection.
IDLE_SECONDS = 5.0
_HANDED_BACK = "matching_handed_back_at"


def ping_after_idle(engine: Engine) -> None:
    """Make the pool of `engine` ping a connection that was idle `IDLE_SECONDS` or more."""

    @event.listens_for(engine.pool, "connect")
    def _fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info[_HANDED_BACK] = time.monotonic()

    @event.listens_for(engine.pool, "checkin")
    def _handed_back(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_HANDED_BACK] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _still_alive(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle = time.monotonic() - record.info.get(_HANDED_BACK, 0.0)
        if idle < IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError(str(error)) from error
            raise
