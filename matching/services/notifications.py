"""A user's own notifications and e-mail choices: mark read, mark all read, choose per kind
how e-mail comes (immediately, a daily digest at 08:00, or none), and the mail's language."""

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from matching.models import Notice, Notification, NotificationPreference, User
from matching.notifications.kinds import LANGUAGES, kinds_for_role
from matching.notifications.notify import DELIVERIES
from matching.queries.notifications import NotificationRow, notification_of
from matching.services.errors import ValidationFailed
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import utcnow


@service
def mark_read(session: Session, *, notification_id: int, actor: Any,
              now: datetime | None = None) -> NotificationRow:
    """Mark one of the actor's notifications read (reading it again changes nothing)."""
    row = notification_of(session, actor=actor, notification_id=notification_id)
    if row.notification.read_at is None:
        row.notification.read_at = now or utcnow()
        commit(session)
    return row


@service
def mark_all_read(session: Session, *, actor: Any, now: datetime | None = None,
                  up_to: datetime | None = None) -> int:
    """Mark every unread notification of the actor read (those created up to `up_to`, when
    given); return how many were unread."""
    statement = update(Notification).where(
        col(Notification.user_id) == actor.id, col(Notification.read_at).is_(None))
    if up_to is not None:
        statement = statement.where(col(Notification.notice_id).in_(
            select(Notice.id).where(col(Notice.created_at) <= up_to)))
    result = session.execute(statement.values(read_at=now or utcnow()))
    commit(session)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@service
def set_mail_preferences(session: Session, *, actor: Any, deliveries: dict[str, str],
                         language: str | None = None) -> None:
    """Record how the actor wants e-mail per kind (kinds not named keep their choice), and
    optionally the language of the mail."""
    own_kinds = {kind.code for kind in kinds_for_role(actor.role)}
    problems: dict[str, str] = {}
    for kind, delivery in deliveries.items():
        if kind not in own_kinds:
            problems[kind] = "not a kind of notification your role receives"
        elif delivery not in DELIVERIES:
            problems[kind] = f"choose one of: {', '.join(DELIVERIES)}"
    if language is not None and language not in LANGUAGES:
        problems["language"] = f"choose one of: {', '.join(LANGUAGES)}"
    if problems:
        raise ValidationFailed(problems)
    existing = {row.kind: row for row in session.exec(select(NotificationPreference).where(
        NotificationPreference.user_id == actor.id))}
    for kind, delivery in deliveries.items():
        if kind in existing:
            existing[kind].delivery = delivery
        else:
            session.add(NotificationPreference(user_id=actor.id, kind=kind, delivery=delivery))
    if language is not None:
        get_or_404(session, User, actor.id).language = language
    commit(session)


@service
def set_language(session: Session, *, actor: Any, language: str) -> None:
    """Remember the language the user chose with the switch, for their e-mail too."""
    if language not in LANGUAGES:
        raise ValidationFailed({"language": f"choose one of: {', '.join(LANGUAGES)}"})
    user = get_or_404(session, User, actor.id)
    if user.language != language:
        user.language = language
        commit(session)
