"""Time-driven transitions, fired by `matching tick` (never by threads in the web process).

Each due item is fired in its own transaction. The guarantee comes from the workflow: a
second tick that reaches an item already moved finds it in another state (or loses on its
version column) and skips it, so two ticks at once, or one after a week's downtime, fire each
transition exactly once. SKIP LOCKED on PostgreSQL only spares the two ticks some waiting.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from matching.models import Lease, Proposal
from matching.parameters import YearParameters, year_parameters
from matching.services.errors import Conflict
from matching.services.unit_of_work import commit
from matching.workdays import local_date
from matching.workflow import TransitionNotAllowed, fire
from matching.workflow.states import LeaseState, LeaseType, ProposalState


@dataclass
class TickReport:
    fired: dict[str, int] = field(default_factory=dict)
    skipped: int = 0

    def count(self, name: str) -> None:
        self.fired[name] = self.fired.get(name, 0) + 1


def _claim(session: Session, query):
    return session.exec(query.with_for_update(skip_locked=True)).all()


def _fire_one(session: Session, row, trigger: str, now: datetime, report: TickReport,
              **data) -> None:
    try:
        fire(row, trigger, actor=None, now=now, **data)
        commit(session)
        report.count(f"{type(row).__name__.lower()}.{trigger}")
    except (Conflict, TransitionNotAllowed):
        session.rollback()
        report.skipped += 1


class _Parameters:
    """Year parameters looked up once per year within one tick."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_year: dict[int, YearParameters] = {}

    def __call__(self, year: int) -> YearParameters:
        if year not in self.by_year:
            self.by_year[year] = year_parameters(self.session, year)
        return self.by_year[year]


def _review_notice(parameters: _Parameters, lease: Lease) -> date:
    assert lease.review_on is not None
    months = parameters(lease.review_on.year).flip_review_notice_months
    return lease.review_on - relativedelta(months=months)


def _end_notice(parameters: _Parameters, lease: Lease) -> date:
    assert lease.end_on is not None
    months = parameters(lease.end_on.year).campus_notice_months
    return lease.end_on - relativedelta(months=months)


def run_tick(session: Session, *, now: datetime) -> TickReport:
    """Fire every transition that is due as of `now`."""
    report = TickReport()
    today = local_date(now)
    parameters = _Parameters(session)

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
        if proposal is not None:
            _fire_one(session, proposal, "escalate", now, report, deadline=proposal.deadline)
    session.commit()
    return report
