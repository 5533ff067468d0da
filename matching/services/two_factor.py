"""The second factor: an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

Required for administrators, available to everyone (ASVS 4.0.3 level 2, V2.8). A code is
accepted once: the time-step it belongs to is remembered, and only later steps count after
it (ASVS 2.8.4). Wrong codes slow the next check down with a growing delay instead of locking
the owner out (ASVS 2.2.1), counted under the user's row lock so simultaneous guesses are
each counted.
"""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from matching.access import require_role
from matching.models import RecoveryCode, SecondFactor, User
from matching.services.errors import ValidationFailed
from matching.services.recovery_codes import (
    hash_recovery_code,
    looks_like_recovery_code,
    new_recovery_codes,
    recovery_code_matches,
)
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import Role, as_utc

ISSUER = "Matching Utrecht"
# A phone's clock may be a step (30 s) off either way; RFC 6238 section 5.2 allows for it.
DRIFT_STEPS = 1
# Wrong codes allowed back to back before each next one waits, doubling from the first
# delay up to the longest.
FREE_WRONG_CODES = 5
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(minutes=15)


class SecondFactorRefused(Exception):
    """A wrong, replayed or malformed code ("invalid"), or one that came too soon after
    too many wrong ones ("throttled", with how long to wait)."""

    def __init__(self, reason: str, wait: timedelta | None = None) -> None:
        self.reason = reason
        self.wait = wait
        super().__init__(reason)


@dataclass(frozen=True)
class SecondFactorStatus:
    enrolled: bool
    recovery_codes_left: int


def wait_after(wrong_codes: int) -> timedelta:
    """How long after the last wrong code the next code is looked at."""
    if wrong_codes < FREE_WRONG_CODES:
        return timedelta(0)
    doublings = min(wrong_codes - FREE_WRONG_CODES, 10)
    return min(FIRST_DELAY * 2**doublings, LONGEST_DELAY)


def has_second_factor(session: Session, *, user_id: int) -> bool:
    """Whether the user has confirmed an authenticator app."""
    factor = session.get(SecondFactor, user_id)
    return factor is not None and factor.confirmed_at is not None


def second_factor_status(session: Session, *, user_id: int) -> SecondFactorStatus:
    """Whether the user has a second factor, and how many recovery codes are unspent."""
    left = session.exec(
        select(func.count()).select_from(RecoveryCode).where(
            RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))
    ).one()
    return SecondFactorStatus(has_second_factor(session, user_id=user_id), left)


def authenticator_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


@service
def start_enrolment(session: Session, *, user_id: int, now: datetime) -> str:
    """Give the user a secret to add to their app, kept until confirmed with a code;
    showing the page again gives the same secret, so a scanned code keeps working."""
    factor = session.get(SecondFactor, user_id)
    if factor is not None and factor.confirmed_at is not None:
        raise ValidationFailed({"second_factor": "a second factor is set up already"})
    if factor is None:
        factor = SecondFactor(user_id=user_id, secret=pyotp.random_base32(), created_at=now)
        session.add(factor)
        commit(session)
    return factor.secret


@service
def confirm_enrolment(session: Session, *, user_id: int, code: str, now: datetime) -> list[str]:
    """Turn the second factor on with a first right code from the app; return the recovery
    codes, to show once."""
    factor = _locked_factor(session, user_id)
    if factor is None or factor.confirmed_at is not None:
        raise SecondFactorRefused("invalid")
    _refuse_while_throttled(factor, now)
    step = _matching_step(factor, code, now)
    if step is None:
        raise _wrong_code(session, factor, now)
    factor.confirmed_at = now
    _accept(factor, step)
    codes = _replace_recovery_codes(session, user_id, now)
    commit(session)
    return codes


@service
def check_second_factor(session: Session, *, user_id: int, code: str, now: datetime) -> str:
    """Accept a code from the user's app, or one of their recovery codes (which is then
    spent); return "app" or "recovery_code". Raise SecondFactorRefused otherwise."""
    factor = _locked_factor(session, user_id)
    if factor is None or factor.confirmed_at is None:
        raise SecondFactorRefused("invalid")
    _refuse_while_throttled(factor, now)
    step = _matching_step(factor, code, now)
    if step is not None:
        _accept(factor, step)
        commit(session)
        return "app"
    if looks_like_recovery_code(code) and _spend_recovery_code(session, user_id, code, now):
        _accept(factor, None)
        commit(session)
        return "recovery_code"
    raise _wrong_code(session, factor, now)


@service
def renew_recovery_codes(session: Session, *, user_id: int, now: datetime) -> list[str]:
    """Replace all of the user's recovery codes by a fresh set; return it, to show once."""
    if not has_second_factor(session, user_id=user_id):
        raise ValidationFailed({"second_factor": "no second factor is set up"})
    codes = _replace_recovery_codes(session, user_id, now)
    commit(session)
    return codes


@service
def remove_second_factor(session: Session, *, user_id: int, actor: User, now: datetime) -> None:
    """Turn a user's second factor off: one's own (not for an administrator, who must keep
    one), or anyone's by an administrator when the phone and the codes are lost, which also
    ends that user's sessions."""
    from matching.services.sessions import end_all_sessions

    if user_id == actor.id:
        if actor.role == Role.ADMIN:
            raise ValidationFailed({"second_factor": "an administrator must keep a second factor"})
    else:
        require_role(actor, Role.ADMIN)
        get_or_404(session, User, user_id)
        end_all_sessions(session, user_id=user_id, now=now)
    _forget_factor(session, user_id)
    commit(session)


@service
def reset_second_factor(session: Session, *, email: str, now: datetime) -> User:
    """Turn a user's second factor off and end their sessions, from the server's console
    (`matching users reset-second-factor`), for an administrator without a colleague to do
    it; whoever runs the command can reach the database anyway."""
    from matching.services.sessions import end_all_sessions
    from matching.services.users import user_by_email

    user = user_by_email(session, email)
    assert user.id is not None
    end_all_sessions(session, user_id=user.id, now=now)
    _forget_factor(session, user.id)
    commit(session)
    return user


def _forget_factor(session: Session, user_id: int) -> None:
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    session.execute(delete(SecondFactor).where(col(SecondFactor.user_id) == user_id))


def _locked_factor(session: Session, user_id: int) -> SecondFactor | None:
    # Writing the row first takes its lock on PostgreSQL and the database's write lock on
    # SQLite, so two checks of one user's codes run one after the other: a code cannot be
    # used twice in the gap between reading and remembering it, and no wrong code goes
    # uncounted.
    session.execute(
        update(SecondFactor)
        .where(col(SecondFactor.user_id) == user_id)
        .values(failed_codes=col(SecondFactor.failed_codes))
    )
    return session.exec(
        select(SecondFactor).where(SecondFactor.user_id == user_id)
        .execution_options(populate_existing=True)
    ).first()


def _refuse_while_throttled(factor: SecondFactor, now: datetime) -> None:
    wait = wait_after(factor.failed_codes)
    if wait and factor.last_failed_at is not None:
        remaining = as_utc(factor.last_failed_at) + wait - now
        if remaining > timedelta(0):
            raise SecondFactorRefused("throttled", wait=remaining)


def _matching_step(factor: SecondFactor, code: str, now: datetime) -> int | None:
    """The time-step whose code was typed, if it is near now and later than the last used."""
    typed = "".join(code.split())
    if len(typed) != 6 or not typed.isascii() or not typed.isdigit():
        return None
    totp = pyotp.TOTP(factor.secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        fresh = factor.last_used_step is None or step > factor.last_used_step
        if fresh and hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def _accept(factor: SecondFactor, step: int | None) -> None:
    if step is not None:
        factor.last_used_step = step
    factor.failed_codes = 0
    factor.last_failed_at = None


def _wrong_code(session: Session, factor: SecondFactor, now: datetime) -> SecondFactorRefused:
    """Count the wrong code (kept, although the service then fails) and give the refusal."""
    factor.failed_codes += 1
    factor.last_failed_at = now
    commit(session)
    return SecondFactorRefused("invalid")


def _spend_recovery_code(session: Session, user_id: int, typed: str, now: datetime) -> bool:
    unspent = session.exec(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))
    )
    for code in unspent:
        if recovery_code_matches(code.code_hash, typed):
            code.used_at = now
            return True
    return False


def _replace_recovery_codes(session: Session, user_id: int, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = new_recovery_codes()
    session.add_all(
        RecoveryCode(user_id=user_id, code_hash=hash_recovery_code(code), created_at=now)
        for code in codes
    )
    return codes
