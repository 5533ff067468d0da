"""Every page looks its signed-in user up through the server-side session: one statement for
the session, its user and the bell's number together (services/sessions.py), and the same
answers as before."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlmodel import Session, select

from matching.models import Notification, User
from matching.notifications.notify import notify
from matching.queries.notifications import unread_count
from matching.services.notifications import mark_read
from matching.services.sessions import live_session, sign_in, user_for_session
from tests.factories import make_user

NOW = datetime(2026, 1, 13, 9, 0, tzinfo=UTC)


def _signed_in(reference: Session) -> tuple[int, str]:
    user = make_user(reference, "Lister", "care_provider")
    _user, session_id = sign_in(reference, email=user.email, password="correct horse battery",
                                remote_addr="192.0.2.1", now=NOW)
    assert user.id is not None
    return user.id, session_id


def _first_notification(session: Session, user_id: int) -> int:
    found = session.exec(select(Notification.id).where(Notification.user_id == user_id)
                         .order_by(Notification.id)).first()
    assert found is not None
    return found


def test_a_live_session_and_its_user_are_read_in_one_statement(reference: Session):
    user_id, session_id = _signed_in(reference)
    statements: list[str] = []
    engine = reference.get_bind()
    with Session(engine) as fresh:  # nothing in its identity map, as in a new request

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        try:
            user = user_for_session(fresh, session_id=session_id, now=NOW + timedelta(seconds=5))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert user is not None and user.id == user_id
    assert len(statements) == 1, statements


def test_an_unknown_ended_or_deactivated_session_opens_nothing(reference: Session):
    _user_id, session_id = _signed_in(reference)
    assert user_for_session(reference, session_id="no-such-session", now=NOW) is None
    assert user_for_session(reference, session_id=session_id, now=NOW) is not None
    assert user_for_session(reference, session_id=session_id,
                            now=NOW + timedelta(minutes=31)) is None  # idle too long
    assert user_for_session(reference, session_id=session_id, now=NOW) is None  # ended for good
    user_id, live = _signed_in(reference)
    assert user_for_session(reference, session_id=live, now=NOW) is not None
    # An inactive account opens nothing, even through a session that was not ended.
    user = reference.get(User, user_id)
    assert user is not None
    user.active = False
    reference.commit()
    assert user_for_session(reference, session_id=live, now=NOW) is None


def test_the_bells_number_comes_with_the_lookup(reference: Session):
    user_id, session_id = _signed_in(reference)
    user = reference.get(User, user_id)
    assert user is not None
    for lease_id in (1, 2, 3):
        notify(reference, kind="flip_review_3m", subject_id=lease_id,
               organisation_ids=[user.organisation_id], params={}, now=NOW)
    reference.commit()
    mark_read(reference, notification_id=_first_notification(reference, user_id),
              actor=user, now=NOW)
    live = live_session(reference, session_id=session_id, now=NOW)
    assert live is not None and live.user.id == user_id
    assert live.unread_notifications == 2 == unread_count(reference, user_id)
