"""Time-driven work, done by `matching tick` (never by threads in the web process): the
transitions that fall due, the notices that time makes due, retention and expiry
(services/retention.py, services/expiry.py), and the e-mail outbox.

Each due item is handled in its own transaction. The guarantee comes from the database: a
second tick that reaches an item already moved finds it in another state (or loses on its
version column), and a notice already recorded for its cause is refused by its unique key,
so two ticks at once, a tick every minute, or one after a week's downtime do each thing
exactly once. SKIP LOCKED on PostgreSQL only spares the two ticks some waiting.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from matching.engine.profile import refresh as refresh_pool_profile
from matching.models import Dwelling, Lease, Proposal
from matching.notifications import causes
from matching.notifications.due import due_notices
from matching.notifications.notify import already_noticed, notify
from matching.notifications.outbox import Mailer, SendReport, send_outbox
from matching.parameters import ParametersByYear
from matching.services.errors import Conflict
from matching.services.expiry import expire_records
from matching.services.locks import FOR_NO_KEY_UPDATE
from matching.services.provisional_contingents import KIND, ensure_year_contingents
from matching.services.retention import erase_left_clients
from matching.services.retry import is_transient
from matching.services.unit_of_work import commit
from matching.vocabulary import LeaseState, LeaseType, ProposalState
from matching.workdays import local_date
from matching.workflow import TransitionNotAllowed, fire


@dataclass
class TickReport:
    fired: dict[str, int] = field(default_factory=dict)
    noticed: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    mail: SendReport | None = None
    erased: int = 0  # clients whose personal fields retention erased
    expired: dict[str, int] = field(default_factory=dict)  # rows deleted per table
    provisional_contingents: int = 0  # providers given a provisional contingent
    pool_profile_rebuilt: bool = False  # the engine's profile was reclassified for the year

    def count(self, name: str) -> None:
        self.fired[name] = self.fired.get(name, 0) + 1

    def count_notice(self, kind: str) -> None:
        self.noticed[kind] = self.noticed.get(kind, 0) + 1


def _claim(session: Session, query):
    # NO KEY UPDATE as every row lock (services.locks); SKIP LOCKED never waits, so claiming
    # many rows at once in any order cannot deadlock.
    return session.exec(query.with_for_update(skip_locked=True, **FOR_NO_KEY_UPDATE)).all()


def _fire_one(session: Session, row, trigger: str, now: datetime, report: TickReport,
              notice: tuple[str, Callable[[], None]] | None = None, **data) -> None:
    """Fire `trigger` on `row`, and record its notice (kind, how) in the same transaction."""
    try:
        fire(row, trigger, actor=None, now=now, **data)
        if notice is not None:
            notice[1]()
        commit(session)
        report.count(f"{type(row).__name__.lower()}.{trigger}")
        if notice is not None:
            report.count_notice(notice[0])
    except (Conflict, TransitionNotAllowed, IntegrityError, StaleDataError):
        # Another tick fired it first: its claim ended with that tick's first commit, and a
        # flush before our commit (a notice's query) finds the row's version moved.
        session.rollback()
        report.skipped += 1
    except DBAPIError as error:
        if not is_transient(error):
            raise
        session.rollback()  # a deadlock undid this item only; the next tick fires it
        report.skipped += 1


def _review_notice(parameters: ParametersByYear, lease: Lease) -> date:
    assert lease.review_on is not None
    months = parameters(lease.review_on.year).flip_review_notice_months
    return lease.review_on - relativedelta(months=months)


def _end_notice(parameters: ParametersByYear, lease: Lease) -> date:
    assert lease.end_on is not None
    months = parameters(lease.end_on.year).campus_notice_months
    return lease.end_on - relativedelta(months=months)


def run_tick(session: Session, *, now: datetime, mailer: Mailer | None = None) -> TickReport:
    """Fire every transition that is due as of `now`, record the notices that are due,
    erase the clients whose retention ran out, delete expired sessions, sign-in records and
    idempotent answers, and (given a mailer) deliver the outbox."""
    report = TickReport()
    # A new year never runs without contingents: the previous year's shares, provisional.
    division = ensure_year_contingents(session, year=local_date(now).year, now=now)
    if division is not None:
        report.provisional_contingents = len(division.shares)
        report.count_notice(KIND)
    # The first tick of a year (or after a change of the income limits) reclassifies the
    # pool's profile, so the engine counts from it again instead of scanning.
    report.pool_profile_rebuilt = refresh_pool_profile(session, local_date(now))
    session.commit()
    _fire_due_transitions(session, now, report)
    _record_due_notices(session, now, report)
    retention = erase_left_clients(session, now=now)
    report.erased, report.skipped = retention.erased, report.skipped + retention.skipped
    report.expired = expire_records(session, now=now).deleted
    if mailer is not None:
        report.mail = send_outbox(session, now=now, mailer=mailer)
    return report


def _fire_due_transitions(session: Session, now: datetime, report: TickReport) -> None:
    today = local_date(now)
    parameters = ParametersByYear(session)

    flips = _claim(session, select(Lease.id).where(
        Lease.lease_type == LeaseType.FLIP,
        Lease.state.in_([LeaseState.ACTIVE, LeaseState.EXTENDED]),  # type: ignore[attr-defined]
        Lease.review_on.is_not(None),  # type: ignore[union-attr]
    ))
    for lease_id in flips:
        lease = session.get(Lease, lease_id)
        if lease is not None and _review_notice(parameters, lease) <= today:
            _fire_one(session, lease, "due", now, report, review_on=lease.review_on)

    campus = _claim(session, select(Lease.id).where(
        Lease.lease_type == LeaseType.CAMPUS,
        Lease.state.in_([LeaseState.ACTIVE, LeaseState.ENDING]),  # type: ignore[attr-defined]
        Lease.end_on.is_not(None),  # type: ignore[union-attr]
    ))
    for lease_id in campus:
        lease = session.get(Lease, lease_id)
        if lease is None or lease.end_on is None:
            continue
        if lease.state == LeaseState.ACTIVE and _end_notice(parameters, lease) <= today:
            _fire_one(session, lease, "approach_end", now, report, end_on=lease.end_on)
        if lease.state == LeaseState.ENDING and lease.end_on <= today:
            _fire_one(session, lease, "end", now, report, on=lease.end_on,
                      reason="end of the campus term")

    rounds = _claim(session, select(Proposal.id).where(
        Proposal.state == ProposalState.OPEN,
        Proposal.deadline < today,  # type: ignore[operator]
    ))
    for proposal_id in rounds:
        proposal = session.get(Proposal, proposal_id)
        dwelling = session.get(Dwelling, proposal.dwelling_id) if proposal else None
        if proposal is not None and dwelling is not None:
            _fire_one(session, proposal, "escalate", now, report, deadline=proposal.deadline,
                      notice=("round_overdue",
                              partial(causes.round_overdue, session, proposal, dwelling, now)))
    session.commit()


def _record_due_notices(session: Session, now: datetime, report: TickReport) -> None:
    due = due_notices(session, local_date(now))
    recorded = already_noticed(session, [item.key for item in due])
    session.commit()
    for item in due:
        if item.key in recorded:
            continue
        try:
            notify(session, kind=item.kind, subject_id=item.subject_id, key=item.key,
                   organisation_ids=item.organisation_ids, params=item.params, now=now)
            session.commit()
            report.count_notice(item.kind)
        except IntegrityError:  # another tick recorded it first
            session.rollback()
            report.skipped += 1
