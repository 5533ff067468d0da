"""Record a notice once per cause, with a notification for each user who must act and an
outbox mail for each of them who wants e-mail, all in the caller's transaction.

The caller commits: a notice appears exactly when its cause does, and a cause that rolls
back leaves no notice and no mail behind.
"""

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from matching.models import (
    Notice,
    Notification,
    NotificationPreference,
    Organisation,
    OutboxMail,
    User,
)
from matching.notifications.kinds import KINDS
from matching.vocabulary import OrganisationKind, as_utc, utcnow
from matching.workdays import UTRECHT

IMMEDIATE, DIGEST, NO_MAIL = "immediate", "digest", "none"
DELIVERIES = (IMMEDIATE, DIGEST, NO_MAIL)

# The daily digest goes out at eight in the morning, Utrecht time.
DIGEST_HOUR = time(8, 0)


def notice_key(kind: str, subject_type: str, subject_id: int | None, *occasion: object) -> str:
    """The cause's key: the kind, its subject and, where a subject can have the same kind of
    notice again (a new deadline, a new review date), the date it concerns."""
    return ":".join(str(part) for part in (kind, subject_type, subject_id, *occasion))


def agency_ids(session: Session) -> list[int]:
    """The matching agency's organisation(s)."""
    return [i for i in session.exec(
        select(Organisation.id).where(Organisation.kind == OrganisationKind.AGENCY)
    ) if i is not None]


def already_noticed(session: Session, keys: list[str]) -> set[str]:
    """The keys among `keys` that have their notice already."""
    if not keys:
        return set()
    return set(session.exec(select(Notice.key).where(col(Notice.key).in_(keys))))


def notify(
    session: Session,
    *,
    kind: str,
    subject_id: int,
    organisation_ids: list[int | None],
    params: dict[str, Any],
    key: str | None = None,
    now: datetime | None = None,
) -> Notice:
    """Add the notice of `kind` about a subject to the session, for the users of the given
    organisations whose role the kind names. Raises IntegrityError on commit (or on the
    flush here) when the cause's notice exists already."""
    definition = KINDS[kind]
    moment = as_utc(now or utcnow())
    notice = Notice(
        key=key or notice_key(kind, definition.subject_type, subject_id),
        kind=kind, subject_type=definition.subject_type, subject_id=subject_id,
        params=params, created_at=moment,
    )
    session.add(notice)
    session.flush()
    deliveries = _deliveries(session, [i for i in organisation_ids if i is not None],
                             definition.roles, kind)
    if not deliveries:
        return notice
    notifications = [Notification(notice_id=notice.id, user_id=user_id)  # type: ignore[arg-type]
                     for user_id in deliveries]
    session.add_all(notifications)
    session.flush()
    for notification in notifications:
        delivery = deliveries[notification.user_id]
        if delivery != NO_MAIL:
            session.add(OutboxMail(
                notification_id=notification.id,  # type: ignore[arg-type]
                user_id=notification.user_id, digest=delivery == DIGEST, created_at=moment,
                due_at=next_digest_time(moment) if delivery == DIGEST else moment,
            ))
    return notice


def _deliveries(session: Session, organisation_ids: list[int], roles: tuple[str, ...],
                kind: str) -> dict[int, str]:
    """The active users of the organisations with one of the roles, by id, each with how
    they want to hear of `kind` (e-mail at once unless they chose otherwise): one
    statement."""
    if not organisation_ids:
        return {}
    their_preference = ((col(NotificationPreference.user_id) == col(User.id))
                        & (col(NotificationPreference.kind) == kind))
    rows = session.exec(
        select(User.id, NotificationPreference.delivery)
        .outerjoin(NotificationPreference, their_preference)
        .where(
            col(User.organisation_id).in_(sorted(set(organisation_ids))),
            col(User.role).in_(roles),
            col(User.active).is_(True),
        ).order_by(col(User.id))
    )
    return {user_id: delivery or IMMEDIATE for user_id, delivery in rows
            if user_id is not None}


def next_digest_time(moment: datetime) -> datetime:
    """The first 08:00 in Utrecht after `moment`: the digest that will carry it."""
    local = as_utc(moment).astimezone(UTRECHT)
    candidate = datetime.combine(local.date(), DIGEST_HOUR, tzinfo=UTRECHT)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), DIGEST_HOUR,
                                     tzinfo=UTRECHT)
    # Stored in UTC: SQLite keeps a moment's wall-clock time and drops its zone.
    return candidate.astimezone(UTC)
