"""Answers that show clients: each one is written to the access log, and the clients it
showed are kept with a stored Idempotency-Key answer, whose replay shows them again.

When the clients an answer will show are known before its service runs (a client's own
transition, a decision on a round), the reads are noted first and go into the access log
in the service's own commit: one transaction per request instead of two. The noted rows
are written only if they were pending when a commit began and that commit succeeded; if
the service fails, nothing was shown and its rollback drops them; if it was started over
after a deadlock, the rollback dropped them too, and the answer logs the reads in a commit
of its own as before.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import g
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

from matching.services.clients import log_client_reads
from matching.services.unit_of_work import commit
from matching.web.api.auth import api_actor

_SHOWN = "shown_client_ids"
_NOTED = "api_noted_reads"  # session.info: the state of the reads noted before a service
_PENDING, _COMMITTING, _WRITTEN, _DROPPED = "pending", "committing", "written", "dropped"
T = TypeVar("T")


def _ids(client_ids: Iterable[int | None]) -> list[int]:
    return sorted({i for i in client_ids if i})


def _remember(ids: list[int]) -> None:
    setattr(g, _SHOWN, sorted({*g.get(_SHOWN, []), *ids}))


def log_shown_clients(session: Session, client_ids: Iterable[int | None], purpose: str) -> None:
    """Write the clients this answer shows to the access log, and remember them for the
    request's stored answer."""
    ids = _ids(client_ids)
    if not ids:
        return
    log_client_reads(session, actor=api_actor(), client_ids=ids, purpose=purpose)
    commit(session)
    _remember(ids)


def with_reads_logged(session: Session, client_ids: Iterable[int | None], purpose: str,
                      run: Callable[[], T]) -> T:
    """Run a service whose answer shows `client_ids`, their reads written in its commit
    (or, when that commit did not carry them, in one of their own afterwards)."""
    ids = _ids(client_ids)
    if not ids:
        return run()
    log_client_reads(session, actor=api_actor(), client_ids=ids, purpose=purpose)
    session.info[_NOTED] = _PENDING
    try:
        result = run()
    finally:
        state = session.info.pop(_NOTED, None)
    if state == _WRITTEN:
        _remember(ids)
    else:
        log_shown_clients(session, ids, purpose)
    return result


@event.listens_for(OrmSession, "before_commit")
def _commit_begins(session: OrmSession) -> None:
    if session.info.get(_NOTED) == _PENDING and not session.in_nested_transaction():
        session.info[_NOTED] = _COMMITTING


@event.listens_for(OrmSession, "after_commit")
def _commit_done(session: OrmSession) -> None:
    if session.info.get(_NOTED) == _COMMITTING:
        session.info[_NOTED] = _WRITTEN


@event.listens_for(OrmSession, "after_transaction_end")
def _transaction_ended(session: OrmSession, transaction: SessionTransaction) -> None:
    # A rollback (or a commit that failed) drops the noted rows with the transaction.
    if transaction.parent is None and session.info.get(_NOTED) in (_PENDING, _COMMITTING):
        session.info[_NOTED] = _DROPPED


def shown_client_ids() -> list[int]:
    """The clients the answers of this request have shown so far."""
    return list(g.get(_SHOWN, []))


__all__ = ["log_shown_clients", "shown_client_ids", "with_reads_logged"]
