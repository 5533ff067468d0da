"""The brake on guessing passwords: growing waits, never a lock-out of the owner.

Each attempt first claims a count under its keys (its e-mail address, its network address)
with one conditional UPDATE per key, and only a claimed attempt may check a password. The
database serialises the UPDATEs of one row (a row lock on PostgreSQL, the write lock on
SQLite), so forty simultaneous guesses cannot run more checks than the free ones. Past the
free attempts each claim sets a wait that doubles, up to a ceiling; an attempt during a wait
is answered at once with the seconds left, without checking anything, and the right password
after the wait signs in. ASVS 4.0.3 2.2.1 asks for at most 100 failures an hour per account:
this allows about 25.
"""

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from matching.models import SignInThrottle
from matching.vocabulary import as_utc

FREE_ATTEMPTS_PER_EMAIL = 5
# An office behind one address signs in often; only failures are left counted (see sign_in).
FREE_ATTEMPTS_PER_ADDRESS = 20
FIRST_DELAY = timedelta(seconds=1)
MAX_DELAY = timedelta(minutes=5)
# A key without attempts for this long starts afresh.
QUIET_RESETS_AFTER = timedelta(minutes=15)

FREE_ATTEMPTS = {"email": FREE_ATTEMPTS_PER_EMAIL, "address": FREE_ATTEMPTS_PER_ADDRESS}

Key = tuple[str, str]  # (kind, value): ("email", "a@b.nl") or ("address", "192.0.2.1")


class MustWait(Exception):
    """An attempt came during a wait; `seconds` is how long until the next may try."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"try again in {seconds} s")


def delay_after(excess: int) -> timedelta:
    """The wait after the `excess`-th attempt beyond the free ones: 1, 2, 4 ... seconds."""
    return min(MAX_DELAY, FIRST_DELAY * 2 ** min(excess - 1, 30))


def _insert_missing(session: Session, key: Key, now: datetime) -> None:
    row = {"kind": key[0], "value": key[1], "attempts": 0, "last_attempt_at": now}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(postgresql.insert(SignInThrottle).values(row).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(SignInThrottle).values(row).on_conflict_do_nothing())


def _of(key: Key) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (col(SignInThrottle.kind) == key[0], col(SignInThrottle.value) == key[1])


def _claim(session: Session, key: Key, now: datetime) -> int | None:
    """Count one attempt under `key` unless it must wait; return the count, or None."""
    row = SignInThrottle
    quiet = col(row.last_attempt_at) < now - QUIET_RESETS_AFTER
    return session.execute(
        update(row)
        .where(*_of(key), or_(col(row.attempts) < FREE_ATTEMPTS[key[0]],
                              col(row.not_before) <= now, quiet))
        .values(attempts=case((quiet, 1), else_=col(row.attempts) + 1), last_attempt_at=now)
        .returning(col(row.attempts))
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def _seconds_left(session: Session, key: Key, now: datetime) -> int:
    not_before = session.exec(select(SignInThrottle.not_before).where(*_of(key))).one()
    if not_before is None:
        return math.ceil(FIRST_DELAY.total_seconds())
    return max(1, math.ceil((as_utc(not_before) - now).total_seconds()))


def claim_attempt(session: Session, *, keys: Sequence[Key], now: datetime) -> None:
    """Count one attempt under every key (in this order, so row locks never cross), or raise
    MustWait when one must still wait; the caller commits, or rolls back on MustWait."""
    for key in keys:
        _insert_missing(session, key, now)
    for key in keys:
        attempts = _claim(session, key, now)
        if attempts is None:
            raise MustWait(_seconds_left(session, key, now))
        excess = attempts - FREE_ATTEMPTS[key[0]] + 1
        if excess > 0:
            session.execute(
                update(SignInThrottle).where(*_of(key))
                .values(not_before=now + delay_after(excess))
                .execution_options(synchronize_session=False)
            )


def forget_attempts(session: Session, *, key: Key) -> None:
    """Clear the count of `key` (its owner proved the password); no commit."""
    session.execute(
        update(SignInThrottle).where(*_of(key)).values(attempts=0, not_before=None)
        .execution_options(synchronize_session=False)
    )


def uncount_attempt(session: Session, *, key: Key) -> None:
    """Take back one counted attempt of `key` that turned out not to be a failure."""
    session.execute(
        update(SignInThrottle).where(*_of(key), col(SignInThrottle.attempts) > 0)
        .values(attempts=col(SignInThrottle.attempts) - 1)
        .execution_options(synchronize_session=False)
    )
