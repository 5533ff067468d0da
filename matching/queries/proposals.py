"""Read side of the corporation's proposal pages: the inbox of open rounds and one round.

A round page shows each candidate's record, so it writes every candidate shown to the
access log (product.md section 9) and commits that, and only that.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from matching.access import require_role
from matching.errors import NotFound
from matching.models import Candidate, Client, Dwelling, Organisation, Proposal, ReasonCode
from matching.models import TargetGroup as TargetGroupRow
from matching.paging import Page, paginate
from matching.parameters import year_parameters
from matching.queries.dwellings import is_late, open_rounds_query, own_dwelling, with_dwellings
from matching.vocabulary import CandidateState, ProposalState, Role
from matching.workdays import local_date


@dataclass(frozen=True)
class InboxRow:
    proposal: Proposal
    dwelling: Dwelling
    pending: int
    late: bool  # escalated by the tick, or past its deadline and not yet escalated
    # Working days after today up to the deadline (0: today is the last day), and working
    # days since a deadline that has passed; both None for a round without a deadline.
    working_days_left: int | None = None
    working_days_late: int | None = None

    @property
    def working_days_sort(self) -> int:
        """Days left, or minus the days late: a column sorted on it puts the latest first."""
        return (self.working_days_left or 0) - (self.working_days_late or 0)


def inbox(
    session: Session, *, actor: Any, today: date, page: int = 1, per_page: int = 50
) -> Page[InboxRow]:
    """The open and overdue rounds of the corporation's dwellings, earliest deadline first."""
    found = paginate(session, open_rounds_query(actor), page=page, per_page=per_page)
    ids = [p.id for p in found.items]
    pending: dict[int, int] = {}
    if ids:
        for candidate in session.exec(
            select(Candidate).where(col(Candidate.proposal_id).in_(ids),
                                    Candidate.state == CandidateState.PENDING)
        ):
            pending[candidate.proposal_id] = pending.get(candidate.proposal_id, 0) + 1
    calendar = year_parameters(session, today.year).calendar
    rows = []
    for r in with_dwellings(session, found.items, today):
        deadline = r.proposal.deadline
        left = late = None
        if deadline is not None and deadline >= today:
            left = calendar.working_days_between(today, deadline)
        elif deadline is not None:
            late = calendar.working_days_between(deadline, today)
        rows.append(InboxRow(r.proposal, r.dwelling, pending.get(r.proposal.id or 0, 0), r.late,
                             working_days_left=left, working_days_late=late))
    return Page(items=rows, page=found.page, per_page=found.per_page, total=found.total)


@dataclass(frozen=True)
class IncomeBand:
    """Below or above the housing-benefit income limit of the year, not the income itself.

    Why this band: the one thing about income a corporation weighs in a decision is
    passend toewijzen (product.md section 6), and that rule only asks whether the household
    is below the housing-benefit limit for its size. The exact income is not needed, so it
    is not shown (data minimisation, AVG article 5(1)(c)).
    """

    below_limit: bool
    limit: int
    year: int
    single: bool


@dataclass(frozen=True)
class CandidateView:
    candidate: Candidate
    adults: int
    children: int
    income: IncomeBand | None  # None once retention erased the income
    target_group: TargetGroupRow | None
    care_provider: str
    support_confirmed: bool
    needs: list[str]


@dataclass(frozen=True)
class RoundView:
    proposal: Proposal
    dwelling: Dwelling
    candidates: list[CandidateView]
    late: bool
    reasons: list[ReasonCode]  # what a corporation may give when it rejects
    reason_by_code: dict[str, ReasonCode]


def income_band(session: Session, client: Client, year: int) -> IncomeBand | None:
    if client.annual_income is None:
        return None
    params = year_parameters(session, year)
    single = client.adults + client.children <= 1
    limit = (params.housing_benefit_income_limit_single if single
             else params.housing_benefit_income_limit_multi)
    return IncomeBand(below_limit=client.annual_income <= limit, limit=limit, year=year,
                      single=single)


def landlord_reasons(session: Session) -> list[ReasonCode]:
    return list(session.exec(
        select(ReasonCode).where(ReasonCode.kind == "landlord", col(ReasonCode.active).is_(True))
        .order_by(col(ReasonCode.needs_motivation), col(ReasonCode.label_nl))
    ).all())


def round_for_decision(
    session: Session, *, actor: Any, proposal_id: int, today: date
) -> RoundView:
    """One round of the corporation's dwelling with what the decision needs per candidate.

    The page shows each candidate's household, income band and needs: its caller writes
    them to the access log.
    """
    require_role(actor, Role.CORPORATION)
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"proposal {proposal_id} not found")
    dwelling = own_dwelling(session, actor=actor, dwelling_id=proposal.dwelling_id)
    rows = session.exec(
        select(Candidate, Client, Organisation.name)
        .join(Client, col(Client.id) == col(Candidate.client_id))
        .join(Organisation, col(Organisation.id) == col(Client.care_provider_id))
        .where(Candidate.proposal_id == proposal_id)
        .order_by(col(Candidate.position))
    ).all()
    groups = {g.code: g for g in session.exec(select(TargetGroupRow))}
    # The limits of the year the round was opened in: the year the proposal was made for.
    year = local_date(proposal.opened_at).year
    views = [
        CandidateView(
            candidate=candidate, adults=client.adults, children=client.children,
            income=income_band(session, client, year),
            target_group=groups.get(client.target_group), care_provider=provider,
            support_confirmed=client.support_confirmed, needs=list(client.needs),
        )
        for candidate, client, provider in rows
    ]
    reasons = landlord_reasons(session)
    used = {c.reason_code for c, _, _ in rows if c.reason_code}
    by_code = {r.code: r for r in session.exec(
        select(ReasonCode).where(col(ReasonCode.code).in_(used)))} if used else {}
    return RoundView(proposal=proposal, dwelling=dwelling, candidates=views,
                     late=proposal.state in (ProposalState.OPEN, ProposalState.OVERDUE)
                     and is_late(proposal, today),
                     reasons=reasons, reason_by_code=by_code)
