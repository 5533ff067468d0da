"""Running a unit of work again when the database undid it for a race it lost, not a fault.

PostgreSQL aborts a transaction that would deadlock (SQLSTATE 40P01) or that cannot be
serialised with another (40001), and SQLite answers "database is locked" when another writer
holds it past the busy timeout. The whole transaction is rolled back, so the work can run again
from its start in a fresh transaction, and usually succeeds once the other one has finished.
It runs at most ATTEMPTS times, with a short random pause so that two transactions that
collided do not collide again in step, and is then refused as Conflict (HTTP 409).

Work that committed, or began to, is never run again: only an attempt without a single commit
is certainly undone. Commits are counted per thread on every engine, so a commit through
another session or connection counts as well. (A 40001 raised by COMMIT itself, which only
REPEATABLE READ and SERIALIZABLE transactions can meet, is therefore not retried; the
application runs READ COMMITTED.)
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from matching.services.errors import Conflict
from matching.services.locks import RowsMoved

R = TypeVar("R")

log = logging.getLogger(__name__)

ATTEMPTS = 3
PAUSE_SECONDS = (0.01, 0.05)  # the random pause before a second attempt; doubled before a third
BUSY_MESSAGE = ("the database was busy with a conflicting change at the same moment; "
                "nothing was saved, please try again")

_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock, serialization failure

_commits = threading.local()


@event.listens_for(Engine, "commit")
def _count_commit(_connection: Connection) -> None:
    # Fired before the database is asked to commit: a commit that failed half-way counts too.
    _commits.count = commits_begun() + 1


def commits_begun() -> int:
    """How many commits this thread has begun; a count that did not move means none did."""
    return int(getattr(_commits, "count", 0))


def is_transient(error: BaseException) -> bool:
    """Whether the database undid the work for a collision that running it again may avoid."""
    if isinstance(error, RowsMoved):
        return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return state in _TRANSIENT_SQLSTATES or "database is locked" in str(original)


def pause(attempt: int) -> None:
    """Wait a little, longer after each failed attempt."""
    time.sleep(random.uniform(*PAUSE_SECONDS) * attempt)


def run_with_retries(work: Callable[[], R], *, attempts: int = ATTEMPTS) -> R:
    """Run `work` (which rolls back on any error) until it does not meet a transient error;
    raise Conflict after `attempts` transient failures. Any other error passes unchanged."""
    for attempt in range(1, attempts + 1):
        commits = commits_begun()
        try:
            return work()
        except Exception as error:
            if not is_transient(error) or commits_begun() != commits:
                raise
            log.warning("attempt %d of %d undone, to start over: %s", attempt, attempts,
                        str(error).splitlines()[0])
            if attempt == attempts:
                raise Conflict(BUSY_MESSAGE) from error
            pause(attempt)
    raise AssertionError("unreachable")  # the loop returns or raises
