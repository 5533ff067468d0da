"""Signed-in sessions kept on the server, and signing in past the brake on guessing."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from matching.models import LoginAttempt, Organisation, User, UserSession
from matching.queries.notifications import unread_of
from matching.services.errors import NotFound
from matching.services.throttle import MustWait, claim_attempt, forget_attempts, uncount_attempt
from matching.services.unit_of_work import commit, keep_loaded, service
from matching.services.users import spend_a_password_check, user_by_email, verify_password
from matching.vocabulary import as_utc

# A session unused for this long is over (idle timeout).
DEFAULT_IDLE = timedelta(minutes=30)
# However busy, a session ends this long after signing in (ASVS 4.0.3 3.3.2): a cookie
# left in a shared browser, or stolen, is worthless by the next working day.
ABSOLUTE_LIFETIME = timedelta(hours=12)
# Writing last_seen on every request would turn each page into a write; a minute is precise
# enough for a thirty-minute timeout.
_TOUCH_EVERY = timedelta(minutes=1)


class SignInRefused(Exception):
    """Wrong e-mail or password (never saying which), or too many attempts: then
    `retry_after` is the number of seconds to wait."""

    def __init__(self, reason: str, retry_after: int | None = None) -> None:
        self.reason = reason  # "invalid" or "throttled"
        self.retry_after = retry_after
        super().__init__(reason)


@service
def sign_in(
    session: Session, *, email: str, password: str, remote_addr: str, now: datetime
) -> tuple[User, str]:
    """Check the password and open a server-side session; return the user and session id."""
    typed = email.strip().lower()
    # PostgreSQL's text cannot hold a NUL character and no address has one: such an e-mail
    # is a failed attempt, counted under what remains of it.
    email = typed.replace("\x00", "")[:254]
    email_key, address_key = ("email", email), ("address", remote_addr[:64])
    try:
        claim_attempt(session, keys=[email_key, address_key], now=now)
    except MustWait as wait:
        raise SignInRefused("throttled", retry_after=wait.seconds) from wait
    # The claim counts even when this worker dies during the check below.
    commit(session)
    try:
        user = user_by_email(session, email) if email == typed else None
    except NotFound:
        user = None
    if user is None:
        # Spend the time a password check takes, so the answer's speed does not tell
        # whether an account exists for this address.
        spend_a_password_check(password)
        valid = False
    else:
        # Checked for an inactive account too: its refusal must come no faster.
        valid = verify_password(user, password) and user.active
    if user is None or not valid:
        session.add(LoginAttempt(at=now, email=email, remote_addr=remote_addr[:64]))
        commit(session)
        raise SignInRefused("invalid")
    assert user.id is not None
    # The owner proved the password: the account's count starts afresh, and the address
    # keeps only its failures, so colleagues behind one office address never wait.
    forget_attempts(session, key=email_key)
    uncount_attempt(session, key=address_key)
    session_id = secrets.token_urlsafe(32)
    session.add(UserSession(id=session_id, user_id=user.id, created_at=now, last_seen_at=now))
    commit(session)
    return user, session_id


@dataclass(frozen=True)
class LiveSession:
    """The user of a live session, and their unread notifications (the bell's number)."""

    user: User
    unread_notifications: int


def user_for_session(
    session: Session, *, session_id: str, now: datetime, idle: timedelta = DEFAULT_IDLE,
    absolute: timedelta = ABSOLUTE_LIFETIME,
) -> User | None:
    """Return the active user of a live session, ending it when idle too long or older than
    its absolute lifetime."""
    live = live_session(session, session_id=session_id, now=now, idle=idle, absolute=absolute)
    return live.user if live is not None else None


# One statement for the rows and the count, built once: it runs before every page, so a
# round trip saved here is saved on every request, and so is building the statement and its
# cache key anew (a third of a millisecond of the request's work).
_LIVE_SESSION = (
    select(UserSession, User, Organisation, unread_of(col(User.id)))
    .join(User, col(User.id) == col(UserSession.user_id))
    .join(Organisation, col(Organisation.id) == col(User.organisation_id))
    .where(col(UserSession.id) == bindparam("session_id"))
)


def live_session(
    session: Session, *, session_id: str, now: datetime, idle: timedelta = DEFAULT_IDLE,
    absolute: timedelta = ABSOLUTE_LIFETIME,
) -> LiveSession | None:
    """As `user_for_session`, with the user's unread notifications counted as well."""
    found = session.exec(_LIVE_SESSION, params={"session_id": session_id}).first()
    if found is None:
        return None
    record, user, organisation, unread = found
    keep_loaded(session, organisation)  # the page's services look it up by id
    if record.ended_at is not None:
        return None
    last_seen = as_utc(record.last_seen_at)
    if now - last_seen > idle or now - as_utc(record.created_at) > absolute:
        record.ended_at = now
        commit(session)
        return None
    if not user.active:
        return None
    if now - last_seen > _TOUCH_EVERY:
        record.last_seen_at = now
        commit(session)
    return LiveSession(user, int(unread))


@service
def sign_out(session: Session, *, session_id: str, now: datetime) -> None:
    """End one session, so its cookie is worthless from now on."""
    record = session.get(UserSession, session_id)
    if record is not None and record.ended_at is None:
        record.ended_at = now
        commit(session)


def end_all_sessions(session: Session, *, user_id: int, now: datetime) -> None:
    """End every session of a user (password change, reset, deactivation); no commit."""
    session.execute(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.ended_at).is_(None))
        .values(ended_at=now)
    )


