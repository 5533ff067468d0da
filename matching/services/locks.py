"""Row locks in one global order, so that no two transactions wait for each other in a circle.

PostgreSQL aborts one of two transactions that each wait for a row the other has locked (a
deadlock, SQLSTATE 40P01). That takes two transactions locking the same rows in different
orders, so every service locks the rows it will change up front, before it changes anything,
in this one order:

    dwelling → proposal (the round) → candidate → client → lease → any other table

by ascending id within a table (other tables among themselves by table name). The order follows
the links most services walk: a dwelling has rounds, a round has candidates, a candidate names
a client, and a let dwelling has a lease. A service that reaches its rows against these links
(withdrawing a client finds its round and dwelling through the client) reads them without a
lock first, locks in order, and then checks that what it read still holds; when it does not,
it raises RowsMoved and the unit of work starts over (see services.retry).

The locks are FOR NO KEY UPDATE: they exclude each other and every UPDATE, as read-decide-write
needs, but not the key-share lock that inserting an event, notice or access-log row takes on
the row it points at, so writing history never waits for a lock on its parent.

Each lock is recorded with its transaction, and a lock taken against the order raises
LockOrderViolated: a mistake in the code, which the tests find on SQLite too, instead of a
deadlock under load. Re-locking a row the transaction already holds never waits, so it is
allowed in any order. `matching tick` claims its due rows with SKIP LOCKED, which never waits,
and stays outside this record.
"""

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, inspect
from sqlmodel import Session, SQLModel, select

from matching.models import Candidate, Client, Dwelling, Lease, Proposal

T = TypeVar("T", bound=SQLModel)

LOCK_ORDER: tuple[type[SQLModel], ...] = (Dwelling, Proposal, Candidate, Client, Lease)

FOR_NO_KEY_UPDATE: dict[str, Any] = {"key_share": True}

_RECORD = "matching.row_locks"  # session.info key: (transaction, {lock key})


class LockOrderViolated(RuntimeError):
    """A service asked for a row lock out of the global order (a programming error)."""


class RowsMoved(Exception):
    """Rows found before locking changed before the lock was granted: start the work over."""


def lock_key(model: type[SQLModel], row_id: Any) -> tuple[int, str, Any]:
    """Where a row stands in the global lock order."""
    table = str(getattr(model, "__tablename__", model.__name__))
    rank = LOCK_ORDER.index(model) if model in LOCK_ORDER else len(LOCK_ORDER)
    return rank, "" if rank < len(LOCK_ORDER) else table, row_id


def _held(session: Session) -> set[tuple[int, str, Any]]:
    transaction = session.get_transaction()
    record = session.info.get(_RECORD)
    if record is None or record[0] is not transaction:
        record = (transaction, set())
        session.info[_RECORD] = record
    return record[1]


def check_order(session: Session, model: type[SQLModel], row_ids: Iterable[Any]) -> None:
    """Raise LockOrderViolated unless locking these rows now keeps the global order."""
    held = _held(session)
    new = sorted(k for k in (lock_key(model, i) for i in row_ids) if k not in held)
    if held and new and new[0] < max(held):
        raise LockOrderViolated(
            f"{model.__name__} {new[0][2]} locked after {_describe(max(held))}; row locks "
            f"follow {' → '.join(m.__name__ for m in LOCK_ORDER)}, by id within a table"
        )


def record_locks(session: Session, model: type[SQLModel], row_ids: Iterable[Any]) -> None:
    """Note rows this transaction has locked."""
    _held(session).update(lock_key(model, i) for i in row_ids)


def _describe(key: tuple[int, str, Any]) -> str:
    rank, table, row_id = key
    return f"{LOCK_ORDER[rank].__name__ if rank < len(LOCK_ORDER) else table} {row_id}"


def _id(model: type[SQLModel]) -> Any:
    (key,) = inspect(model).primary_key  # every table locked here has a one-column key
    return key


def lock_rows(session: Session, model: type[T], row_ids: Iterable[Any]) -> list[T]:
    """Lock the rows of `model` with these ids, by ascending id; return those that exist."""
    wanted = sorted(set(row_ids))
    if not wanted:
        return []
    return lock_where(session, model, _id(model).in_(wanted), row_ids=wanted)


def lock_where(session: Session, model: type[T], *conditions: ColumnElement[bool] | bool,
               row_ids: Sequence[Any] | None = None) -> list[T]:
    """Lock the rows of `model` that meet `conditions`, by ascending id (the order in which
    PostgreSQL locks them, as the sort comes before the lock); return them, freshly read.

    A copy of a row read earlier in the session is refreshed, whatever its version: the
    caller decides on what it finds under the lock (session.get with a lock would instead
    call an older copy a lost update)."""
    if row_ids is not None:
        check_order(session, model, row_ids)
    rows = list(session.exec(
        select(model).where(*conditions).order_by(_id(model))
        .with_for_update(**FOR_NO_KEY_UPDATE).execution_options(populate_existing=True)
    ))
    found = [getattr(row, _id(model).key) for row in rows]
    if row_ids is None:
        check_order(session, model, found)
    record_locks(session, model, found)
    return rows
