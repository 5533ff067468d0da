"""Signing in through the sessions service: a NUL character never reaches the database."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from matching.models import LoginAttempt, UserSession
from matching.services.sessions import SignInRefused, sign_in
from tests.factories import make_user

NOW = datetime(2026, 1, 13, 9, 0, tzinfo=UTC)


def test_an_e_mail_with_a_nul_character_is_a_failed_attempt_even_with_the_right_password(
    reference: Session,
):
    user = make_user(reference, "Lister", "care_provider")
    local, domain = user.email.split("@")
    with pytest.raises(SignInRefused) as refused:
        sign_in(reference, email=f"{local}\x00@{domain}", password="correct horse battery",
                remote_addr="192.0.2.1", now=NOW)
    assert refused.value.reason == "invalid"
    attempts = reference.exec(select(LoginAttempt)).all()
    assert [attempt.email for attempt in attempts] == [user.email]
    assert reference.exec(select(UserSession)).all() == []


def test_the_right_e_mail_and_password_open_a_session(reference: Session):
    user = make_user(reference, "Lister", "care_provider")
    signed_in, session_id = sign_in(reference, email=f" {user.email.upper()} ",
                                    password="correct horse battery", remote_addr="192.0.2.1",
                                    now=NOW)
    assert signed_in.id == user.id
    assert reference.get(UserSession, session_id) is not None


def test_a_session_in_use_all_day_ends_twelve_hours_after_signing_in(reference: Session):
    from datetime import timedelta

    from matching.services.sessions import ABSOLUTE_LIFETIME, user_for_session

    assert timedelta(hours=12) == ABSOLUTE_LIFETIME
    user = make_user(reference, "Lister", "care_provider")
    _user, session_id = sign_in(reference, email=user.email, password="correct horse battery",
                                remote_addr="192.0.2.1", now=NOW)
    moment = NOW
    while moment < NOW + ABSOLUTE_LIFETIME - timedelta(minutes=20):
        moment += timedelta(minutes=20)  # busy all day: never idle for long
        assert user_for_session(reference, session_id=session_id, now=moment) is not None
    assert user_for_session(reference, session_id=session_id,
                            now=NOW + ABSOLUTE_LIFETIME) is not None
    ended = NOW + ABSOLUTE_LIFETIME + timedelta(seconds=1)
    assert user_for_session(reference, session_id=session_id, now=ended) is None
    # Ended for good: the cookie is worthless even if the clock were wrong afterwards.
    assert reference.get(UserSession, session_id).ended_at is not None
    assert user_for_session(reference, session_id=session_id, now=NOW) is None
