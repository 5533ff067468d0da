"""Expiry of what the system keeps only for a while, done by `tick`: sign-in sessions,
failed sign-ins, the sign-in throttle's counters and the stored answers of idempotent API
requests (which hold whole client records: incomes, households).

How long each is kept, and why:
- a session that is over (signed out, idle or past its lifetime) 30 days after its last use,
  and a failed sign-in 30 days after it: long enough to look into a stolen or attacked
  account, not longer, since they name a user and a network address;
- a throttle counter a day after its last attempt, once no wait it imposed is pending: by
  then it no longer slows anybody down;
- an idempotent answer, or a reservation whose request died, 24 hours after it was made:
  a client retries within minutes, and the API answers a key older than that as new
  (matching/web/api/idempotency.py).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col

from matching.models import IdempotentRequest, LoginAttempt, SignInThrottle, UserSession

SIGN_IN_RECORDS_KEPT = timedelta(days=30)
THROTTLE_KEPT = timedelta(days=1)
IDEMPOTENT_ANSWERS_KEPT = timedelta(hours=24)


@dataclass
class ExpiryReport:
    deleted: dict[str, int] = field(default_factory=dict)


def expire_records(session: Session, *, now: datetime) -> ExpiryReport:
    """Delete the sessions, failed sign-ins, throttle counters and idempotent answers whose
    time is up as of `now`; one transaction, and running it again deletes nothing more."""
    sign_in_cutoff = now - SIGN_IN_RECORDS_KEPT
    statements = {
        "user_session": delete(UserSession).where(
            func.coalesce(col(UserSession.ended_at), col(UserSession.last_seen_at))
            < sign_in_cutoff,
            col(UserSession.last_seen_at) < sign_in_cutoff),
        "login_attempt": delete(LoginAttempt).where(col(LoginAttempt.at) < sign_in_cutoff),
        "sign_in_throttle": delete(SignInThrottle).where(
            col(SignInThrottle.last_attempt_at) < now - THROTTLE_KEPT,
            or_(col(SignInThrottle.not_before).is_(None), col(SignInThrottle.not_before) < now)),
        "idempotent_request": delete(IdempotentRequest).where(
            col(IdempotentRequest.created_at) < now - IDEMPOTENT_ANSWERS_KEPT),
    }
    report = ExpiryReport()
    for table, statement in statements.items():
        result = session.execute(statement)
        report.deleted[table] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    session.commit()
    return report
