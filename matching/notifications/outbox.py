"""Deliver the outbox: every mail that is due, one e-mail per user and kind of delivery.

A sender first claims the due mails in one UPDATE (committed before anything is sent), so
two senders at once never take the same mail: on PostgreSQL the second waits for the first's
row locks and then finds the rows claimed; on SQLite writes queue. Each user's claimed mails
go out as one e-mail (the day's digest, or what came in since the last run); a delivered mail
is stamped `sent_at` and never sent again; a refused delivery stays queued with its error and
a retry time that grows with each attempt. A sender that dies after claiming leaves its
claim to expire (CLAIM_MINUTES), after which another sender takes the mails again; the
e-mail then carries the same Message-ID, so a receiving server can recognise a repeat.
"""

import logging
import secrets
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, func, select

from matching.config import MailSettings
from matching.models import Notice, Notification, OutboxMail, User
from matching.notifications.mail import Item, compose
from matching.notifications.transports import Transport, transport_for
from matching.vocabulary import as_utc
from matching.workdays import local_date

log = logging.getLogger(__name__)

CLAIM_MINUTES = 10
MAX_RETRY_MINUTES = 60


@dataclass(frozen=True)
class Mailer:
    transport: Transport
    sender: str
    base_url: str


def mailer_for(settings: MailSettings) -> Mailer:
    """The mailer the settings describe; ConfigurationError when they describe none."""
    return Mailer(transport_for(settings), settings.sender, settings.base_url)


@dataclass
class SendReport:
    sent: int = 0  # e-mails delivered
    mails: int = 0  # outbox mails they carried
    failed: int = 0  # e-mails refused, their mails queued again
    dropped: int = 0  # mails not to be sent (read already, user inactive)
    errors: list[str] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    """One minute after the first failure, doubling, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), MAX_RETRY_MINUTES))


def _claim(session: Session, now: datetime) -> str:
    token = secrets.token_hex(8)
    session.execute(
        update(OutboxMail)
        .where(
            col(OutboxMail.sent_at).is_(None),
            col(OutboxMail.dropped_at).is_(None),
            col(OutboxMail.due_at) <= now,
            or_(col(OutboxMail.claimed_until).is_(None), col(OutboxMail.claimed_until) < now),
        )
        .values(claimed_by=token, claimed_until=now + timedelta(minutes=CLAIM_MINUTES))
    )
    session.commit()
    return token


def send_outbox(session: Session, *, now: datetime, mailer: Mailer) -> SendReport:
    """Deliver every due mail of the outbox as of `now`."""
    now = as_utc(now)
    report = SendReport()
    token = _claim(session, now)
    rows = session.exec(
        select(OutboxMail, Notification, Notice, User)
        .join(Notification, col(Notification.id) == col(OutboxMail.notification_id))
        .join(Notice, col(Notice.id) == col(Notification.notice_id))
        .join(User, col(User.id) == col(OutboxMail.user_id))
        .where(OutboxMail.claimed_by == token, col(OutboxMail.sent_at).is_(None))
        .order_by(col(OutboxMail.user_id), col(OutboxMail.id))
    ).all()
    groups: dict[tuple[int, bool], list[tuple[OutboxMail, Notification, Notice, User]]]
    groups = defaultdict(list)
    for mail, notification, notice, user in rows:
        if not user.active:
            _drop(mail, now, "the user is deactivated", report)
        elif notification.read_at is not None:
            _drop(mail, now, "read in the application first", report)
        else:
            groups[(user.id, mail.digest)].append((mail, notification, notice, user))  # type: ignore[index]
    session.commit()
    for (_user_id, digest), members in groups.items():
        _deliver(session, members, digest, now, mailer, report)
    return report


def _drop(mail: OutboxMail, now: datetime, reason: str, report: SendReport) -> None:
    mail.dropped_at, mail.drop_reason = now, reason
    mail.claimed_by = mail.claimed_until = None
    report.dropped += 1


def _deliver(session: Session, members: list[tuple[OutboxMail, Notification, Notice, User]],
             digest: bool, now: datetime, mailer: Mailer, report: SendReport) -> None:
    user = members[0][3]
    mails = [m for m, _n, _notice, _u in members]
    items = [Item(n.id, notice.kind, notice.params, notice.created_at)  # type: ignore[arg-type]
             for _m, n, notice, _u in members]
    domain = mailer.sender.rpartition("@")[2].strip(" >") or "matching.invalid"
    message_id = f"<outbox-{mails[0].id}-{mails[-1].id}-{len(mails)}@{domain}>"
    message = compose(items=items, to=user.email, language=user.language, digest=digest,
                      sender=mailer.sender, base_url=mailer.base_url, now=now,
                      local_day=local_date(now), message_id=message_id)
    try:
        mailer.transport.deliver(message)
    except (smtplib.SMTPException, OSError) as error:
        for mail in mails:
            mail.attempts += 1
            mail.last_error = f"{type(error).__name__}: {error}"[:500]
            mail.due_at = now + retry_delay(mail.attempts)
            mail.claimed_by = mail.claimed_until = None
        session.commit()
        report.failed += 1
        report.errors.append(f"{user.email}: {error}")
        log.warning("e-mail to user %s refused: %s", user.id, error)
        return
    for mail in mails:
        mail.attempts += 1
        mail.sent_at, mail.message_id = now, message_id
        mail.claimed_until = None
    session.commit()
    report.sent += 1
    report.mails += len(mails)


def waiting_mails(session: Session) -> int:
    """The mails not yet delivered (for the command's summary)."""
    return int(session.exec(select(func.count()).select_from(OutboxMail).where(
        col(OutboxMail.sent_at).is_(None), col(OutboxMail.dropped_at).is_(None))).one())
