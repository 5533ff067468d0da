"""Committing a service's work once, turning database refusals into domain errors.

A service runs as one unit of work: all of it commits or none of it does. When the database
undoes it for a race it lost (a deadlock, a serialization failure) the whole service runs again
from the start, a bounded number of times (services.retry); row locks follow the one global
order of services.locks.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from matching import access
from matching.services.errors import Conflict
from matching.services.locks import lock_rows
from matching.services.retry import run_with_retries

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")

# Partial unique indexes that encode workflow rules, and what to tell the user when they fire.
_CONSTRAINT_MESSAGES = {
    "uq_candidate_pending_client": "a client is already on another open round",
    "uq_candidate_accepted_per_round": "another candidate of this round was accepted first",
    "uq_proposal_open_per_dwelling": "this dwelling already has an open round",
    "uq_dwelling_matched_client": "this client is already matched to another dwelling",
}


def _conflict(error: IntegrityError) -> Conflict:
    text = str(error.orig)
    for name, message in _CONSTRAINT_MESSAGES.items():
        if name in text:
            return Conflict(message)
    # SQLite names the columns instead of the index.
    for columns, name in _SQLITE_COLUMNS.items():
        if columns in text:
            return Conflict(_CONSTRAINT_MESSAGES[name])
    return Conflict("the change conflicts with existing data")


_SQLITE_COLUMNS = {
    "candidate.client_id": "uq_candidate_pending_client",
    "candidate.proposal_id": "uq_candidate_accepted_per_round",
    "proposal.dwelling_id": "uq_proposal_open_per_dwelling",
    "dwelling.matched_client_id": "uq_dwelling_matched_client",
}

STALE_MESSAGE = "someone else changed this record first; reload and try again"

_RUNNING = "matching.service_running"  # session.info key: a service is running on it


@contextmanager
def _all_or_nothing(session: Session) -> Iterator[None]:
    """On any error roll back; a database refusal (a stale version, a unique index) becomes
    the Conflict that explains it."""
    try:
        yield
    except StaleDataError as error:
        session.rollback()
        raise Conflict(STALE_MESSAGE) from error
    except IntegrityError as error:
        session.rollback()
        raise _conflict(error) from error
    except BaseException:
        session.rollback()
        raise


def commit(session: Session) -> None:
    """Commit, or roll back and raise Conflict when a concurrent change won."""
    with _all_or_nothing(session):
        session.commit()


def service(function: Callable[P, R]) -> Callable[P, R]:
    """Make a service all-or-nothing: on any error roll back, and report database refusals
    (a unique index, a stale version) as Conflict, wherever in the service they surface; run
    it again from the start when the database undid it for a deadlock (services.retry)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        session = args[0] if args else kwargs["session"]
        assert isinstance(session, Session)

        def once() -> R:
            with _all_or_nothing(session):
                return function(*args, **kwargs)

        if session.info.get(_RUNNING):
            # Called by another service: only the outermost one can start the work over.
            return once()
        session.info[_RUNNING] = True
        try:
            return run_with_retries(once)
        finally:
            session.info.pop(_RUNNING, None)

    return wrapper


def get_or_404(session: Session, model: type[T], object_id: Any, *, lock: bool = False) -> T:
    """Load one row by primary key, or raise NotFound (matching.access.get_or_404); `lock`
    takes a row lock (PostgreSQL), in the global order of services.locks."""
    if not lock:
        return access.get_or_404(session, model, object_id)
    access.refuse_impossible_id(model, object_id)
    found = lock_rows(session, model, [object_id])  # type: ignore[type-var]
    if not found:
        raise access.not_found(model.__name__.lower(), object_id)
    return found[0]


_KEPT = "matching.kept_rows"  # session.info key: rows held for the session's lifetime


def keep_loaded(session: Session, *rows: Any) -> None:
    """Hold `rows` for as long as `session` lives. Its identity map holds rows weakly, so a
    row read along with another (a user's organisation, joined into the sign-in's one
    statement) is gone when nothing refers to it, and the next `session.get` of it in the
    same request reads it again."""
    session.info.setdefault(_KEPT, []).extend(rows)
