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
