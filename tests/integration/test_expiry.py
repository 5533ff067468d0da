"""`tick` deletes what is kept only for a while: sessions that are over, failed sign-ins,
the throttle's counters and the stored answers of idempotent API requests."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from matching.models import IdempotentRequest, LoginAttempt, SignInThrottle, UserSession
from matching.services.timers import run_tick
from tests.world import World

NOW = datetime(2024, 3, 1, 9, tzinfo=UTC)


def _ids(session: Session, model: type, column: str = "id") -> set:
    session.expire_all()
    return {getattr(row, column) for row in session.exec(select(model))}


def _answer(user_id: int, key: str, made: datetime, status: int = 201) -> IdempotentRequest:
    return IdempotentRequest(user_id=user_id, key=key, method="POST", path="/api/v1/clients",
                             body_hash="0" * 64, status_code=status,
                             response_body='{"annual_income": 12000}' if status else "",
                             client_ids=[1], created_at=made)


def test_tick_deletes_expired_sessions_sign_ins_throttles_and_answers_and_keeps_the_rest(
        reference: Session):
    user = World(reference).lister
    day = timedelta(days=1)
    reference.add_all([
        UserSession(id="live", user_id=user.id, created_at=NOW - timedelta(hours=1),
                    last_seen_at=NOW - timedelta(minutes=5)),
        UserSession(id="ended-last-week", user_id=user.id, created_at=NOW - 7 * day,
                    last_seen_at=NOW - 7 * day, ended_at=NOW - 7 * day),
        UserSession(id="ended-long-ago", user_id=user.id, created_at=NOW - 40 * day,
                    last_seen_at=NOW - 40 * day, ended_at=NOW - 31 * day),
        UserSession(id="abandoned-long-ago", user_id=user.id, created_at=NOW - 60 * day,
                    last_seen_at=NOW - 59 * day),
        LoginAttempt(at=NOW - 29 * day, email="a@example.org", remote_addr="192.0.2.1"),
        LoginAttempt(at=NOW - 31 * day, email="b@example.org", remote_addr="192.0.2.2"),
        SignInThrottle(kind="email", value="recent@example.org", attempts=3,
                       last_attempt_at=NOW - timedelta(hours=2)),
        SignInThrottle(kind="email", value="quiet@example.org", attempts=9,
                       last_attempt_at=NOW - 2 * day, not_before=NOW - 2 * day),
        SignInThrottle(kind="address", value="192.0.2.9", attempts=40,
                       last_attempt_at=NOW - 2 * day, not_before=NOW + timedelta(minutes=1)),
        _answer(user.id, "answered-today", NOW - timedelta(hours=23)),
        _answer(user.id, "answered-yesterday", NOW - timedelta(hours=25)),
        _answer(user.id, "died-yesterday", NOW - timedelta(hours=25), status=0),
    ])
    reference.commit()

    report = run_tick(reference, now=NOW)

    assert _ids(reference, UserSession) == {"live", "ended-last-week"}
    assert _ids(reference, LoginAttempt, "email") == {"a@example.org"}
    assert _ids(reference, SignInThrottle, "value") == {"recent@example.org", "192.0.2.9"}
    assert _ids(reference, IdempotentRequest, "key") == {"answered-today"}
    assert report.expired == {"user_session": 2, "login_attempt": 1, "sign_in_throttle": 1,
                              "idempotent_request": 2}
    again = run_tick(reference, now=NOW)
    assert set(again.expired.values()) == {0}
