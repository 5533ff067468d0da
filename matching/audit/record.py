"""Recording accesses to client records: noted in the session, appended to the chain at commit.

NEN 7513 asks for a row per access (read, search, export, create, change, delete) with the
moment in UTC, the user, role and organisation, the action, the purpose, the access point,
the client, the fields touched and the request id. A caller notes its accesses with
`record_client_access`; they are written when its session commits, after the transaction's
own writes, as one batch behind the chain's lock. Taking that lock last keeps it short and
out of every lock cycle: a writer that holds it waits for nothing but its own commit. If the
rows cannot be written the commit fails with AccessNotRecorded, so the page or answer that
would have shown the record is never sent: a read that cannot be logged is refused.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel import col

from matching.audit.chain import GENESIS, link
from matching.audit.context import current_origin
from matching.models import AccessLog, Client
from matching.vocabulary import utcnow

ACTIONS = ("read", "search", "export", "create", "change", "delete")

# What a client record holds; a caller that shows less names the fields it shows.
RECORD_FIELDS = tuple(name for name in Client.model_fields
                      if name not in ("id", "version", "created_at", "erased_at"))

_PENDING = "matching.audit.pending"
# session.info key: rows of committed transactions held back until a bulk load ends (`deferred`).
_DEFERRED = "matching.audit.deferred"
# PostgreSQL's advisory lock on the chain's end; the number spells "NEN7513" in ASCII.
_CHAIN_LOCK = 0x4E454E37353133


class AccessNotRecorded(Exception):
    """The access log could not take the rows, so the accesses they record must not happen."""


def record_client_access(
    session: Session, *, actor: Any, client_ids: Iterable[int], action: str, purpose: str,
    fields: Sequence[str] | None = None, access_point: str | None = None,
) -> None:
    """Note an access to each client for the access log; it is written when `session` commits.

    `actor` is the user (None: the system or an operator on the command line); `fields` the
    names of the fields touched (the whole record when not given); the access point and
    request id come from the web request or command that runs, unless `access_point` is
    given."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access-log action {action!r}")
    if not session.in_transaction():
        # The noted rows belong to a transaction: its rollback drops them (see below).
        session.begin()
    origin = current_origin()
    moment = utcnow()
    touched = ",".join(RECORD_FIELDS if fields is None else fields)[:1000]
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    for client_id in client_ids:
        pending.append({
            "at": moment, "user_id": getattr(actor, "id", None),
            "role": str(getattr(actor, "role", "") or "")[:20],
            "organisation_id": getattr(actor, "organisation_id", None),
            "action": action, "purpose": purpose[:200],
            "access_point": (access_point or origin.access_point)[:200],
            "client_id": client_id, "fields_touched": touched,
            "request_id": origin.request_id,
        })


def _lock_chain_end(connection: Connection) -> None:
    """Make concurrent appenders take turns, so two never link to the same last row (the
    unique `seq` would refuse the second one's rows, but only after the fact)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    elif connection.dialect.name == "sqlite":
        # A write that changes nothing takes SQLite's one write lock before the chain's end
        # is read; a plain read first could see an end another writer then moves.
        connection.execute(text("UPDATE access_log SET seq = seq WHERE 0"))


def append(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Chain `rows` (the recorded values) after the log's last row and insert them: two
    statements to find the end, then one multi-row INSERT."""
    _lock_chain_end(connection)
    last = connection.execute(
        select(col(AccessLog.seq), col(AccessLog.row_hash))
        .order_by(col(AccessLog.seq).desc()).limit(1)
    ).first()
    link(rows, last_seq=last[0] if last else 0, last_hash=last[1] if last else GENESIS)
    connection.execute(insert(AccessLog), rows)


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the rows go with the transaction around it
    rows = session.info.pop(_PENDING, None)
    if not rows:
        return
    if _DEFERRED in session.info:
        session.info[_DEFERRED].extend(rows)  # written, in this order, when the load ends
        return
    session.flush()  # the transaction's own writes and their row locks come first
    try:
        append(session.connection(), rows)
    except SQLAlchemyError as error:
        raise AccessNotRecorded("the access log could not record this access") from error


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """Hold back the access-log rows of the transactions `session` commits during a bulk load
    (the demo's thousands of commits, three statements each) and append them, in the order
    they were committed, in one transaction when it ends. Rows of a transaction rolled back
    are dropped as always; if the load fails, the rows of what it committed are still
    written."""
    session.info[_DEFERRED] = []
    try:
        yield
    finally:
        rows = session.info.pop(_DEFERRED)
        session.rollback()  # what the load left unfinished
        if rows:
            append(session.connection(), rows)
            session.commit()


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    # A rolled-back transaction showed nothing, so its noted accesses are dropped with it.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
