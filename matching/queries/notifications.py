"""A user's notifications, newest first, with their messages in both languages.

Every user sees only their own; another user's notification is not found."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from matching.access import MAX_ID
from matching.errors import NotFound
from matching.models import Notice, Notification, NotificationPreference
from matching.notifications.kinds import Kind, kinds_for_role, message
from matching.notifications.notify import IMMEDIATE
from matching.paging import Page, paginate


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    notice: Notice

    @property
    def id(self) -> int:
        assert self.notification.id is not None
        return self.notification.id

    @property
    def kind(self) -> str:
        return self.notice.kind

    @property
    def created_at(self) -> datetime:
        return self.notice.created_at

    @property
    def read_at(self) -> datetime | None:
        return self.notification.read_at

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None

    @property
    def subject_type(self) -> str:
        return self.notice.subject_type

    @property
    def subject_id(self) -> int:
        return self.notice.subject_id

    def message(self, language: str) -> str:
        return message(self.notice.kind, self.notice.params, language)

    @property
    def message_nl(self) -> str:
        return self.message("nl")

    @property
    def message_en(self) -> str:
        return self.message("en")


def unread_of(user_id: Any) -> Any:
    """How many notifications of `user_id` (a value, or a column of the enclosing query) are
    unread: the number the bell shows, as a scalar subquery."""
    return select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, col(Notification.read_at).is_(None)).scalar_subquery()


def unread_count(session: Session, user_id: int) -> int:
    """The number the bell shows."""
    return int(session.exec(select(unread_of(user_id))).one())


def notifications_for(session: Session, *, actor: object, unread_only: bool = False,
                      page: int = 1, per_page: int = 50) -> Page[NotificationRow]:
    """The actor's notifications, newest first."""
    statement = (
        select(Notification, Notice)
        .join(Notice, col(Notice.id) == col(Notification.notice_id))
        .where(Notification.user_id == getattr(actor, "id", None))
        .order_by(col(Notice.created_at).desc(), col(Notification.id).desc())
    )
    if unread_only:
        statement = statement.where(col(Notification.read_at).is_(None))
    found = paginate(session, statement, page=page, per_page=per_page)
    rows = [NotificationRow(notification, notice) for notification, notice in found.items]
    return Page(rows, found.page, found.per_page, found.total)


def notification_of(session: Session, *, actor: object, notification_id: int) -> NotificationRow:
    """One of the actor's notifications; another user's is not found."""
    found = None
    if 0 < notification_id <= MAX_ID:
        found = session.exec(
            select(Notification, Notice)
            .join(Notice, col(Notice.id) == col(Notification.notice_id))
            .where(Notification.id == notification_id,
                   Notification.user_id == getattr(actor, "id", None))
        ).first()
    if found is None:
        raise NotFound(f"notification {notification_id} not found")
    return NotificationRow(*found)


@dataclass(frozen=True)
class PreferenceRow:
    kind: Kind
    delivery: str


def preferences_of(session: Session, *, actor: object) -> list[PreferenceRow]:
    """How the actor gets e-mail for each kind their role receives (immediately by default)."""
    chosen = {row.kind: row.delivery for row in session.exec(select(NotificationPreference).where(
        NotificationPreference.user_id == getattr(actor, "id", None)))}
    return [PreferenceRow(kind, chosen.get(kind.code, IMMEDIATE))
            for kind in kinds_for_role(str(getattr(actor, "role", "")))]
