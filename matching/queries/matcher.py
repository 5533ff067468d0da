"""The matching agency's read side: the queue, the offers out and the overdue rounds.

Every function checks that the actor is a matcher; the agency sees all corporations. None of
them shows a client's household, income or needs, so they log nothing themselves; pages that
show client references log those reads (see matching.web.matcher).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from matching.access import get_or_404, require_role
from matching.models import (
    Candidate,
    Client,
    District,
    Dwelling,
    DwellingEvent,
    Organisation,
    Proposal,
)
from matching.paging import Page, paginate
from matching.parameters import year_parameters
from matching.shared_reads import once
from matching.vocabulary import DwellingState, OrganisationKind, ProposalState, Role
from matching.workdays import WorkCalendar, add_working_days, local_date

# How the queue may be ordered; the first is the default (the longest waiting first).
QUEUE_ORDERS: dict[str, tuple[Any, ...]] = {
    "oudste": (col(Dwelling.submitted_at), col(Dwelling.id)),
    "nieuwste": (col(Dwelling.submitted_at).desc(), col(Dwelling.id).desc()),
    "huur": (col(Dwelling.rent), col(Dwelling.submitted_at)),
    "kamers": (col(Dwelling.rooms).desc(), col(Dwelling.submitted_at)),
    "wijk": (col(Dwelling.wijk), col(Dwelling.submitted_at)),
}


@dataclass(frozen=True)
class QueueRow:
    dwelling: Dwelling
    corporation: str
    working_days: int
    at_risk: bool
    may_release: bool
    # Working days still to go before the dwelling is at risk, and before it may be released.
    days_to_risk: int = 0
    days_to_release: int = 0


@dataclass(frozen=True)
class Queue:
    page: Page[QueueRow]
    at_risk_days: int
    release_days: int
    proposed: int
    matched: int


def corporation_names(session: Session) -> dict[int, str]:
    """Return the corporations by id, for filters and tables (read once inside
    `shared_reads`)."""
    return once(session, "corporation_names", lambda: _names_of(session, select(Organisation)
        .where(Organisation.kind == OrganisationKind.CORPORATION)
        .order_by(col(Organisation.name))))


def district_names(session: Session) -> list[str]:
    """Return the districts (Utrecht wijken first, then U16 municipalities)."""
    rows = session.exec(select(District).order_by(col(District.kind).desc(), col(District.name)))
    return [d.name for d in rows]


def _count_in(session: Session, state: str) -> int:
    return int(session.exec(
        select(func.count()).select_from(Dwelling).where(Dwelling.state == state)
    ).one())


def submitted_queue(
    session: Session, *, actor: Any, today: date, corporation_id: int | None = None,
    wijk: str | None = None, order: str = "oudste", page: int = 1, per_page: int = 50,
) -> Queue:
    """Return the submitted dwellings with working days waited and the at-risk marks."""
    require_role(actor, Role.MATCHER)
    params = year_parameters(session, today.year)
    statement = select(Dwelling).where(Dwelling.state == DwellingState.SUBMITTED)
    if corporation_id is not None:
        statement = statement.where(Dwelling.corporation_id == corporation_id)
    if wijk:
        statement = statement.where(Dwelling.wijk == wijk)
    statement = statement.order_by(*QUEUE_ORDERS.get(order, QUEUE_ORDERS["oudste"]))
    found = paginate(session, statement, page=page, per_page=per_page)
    names = corporation_names(session)
    rows = []
    for dwelling in found.items:
        days = _working_days_since(params.calendar, dwelling.submitted_at, today)
        rows.append(QueueRow(
            dwelling, names.get(dwelling.corporation_id, "?"), days,
            at_risk=days >= params.at_risk_working_days,
            may_release=days >= params.release_working_days,
            days_to_risk=max(0, params.at_risk_working_days - days),
            days_to_release=max(0, params.release_working_days - days),
        ))
    return Queue(
        page=Page(rows, found.page, found.per_page, found.total),
        at_risk_days=params.at_risk_working_days,
        release_days=params.release_working_days,
        proposed=_count_in(session, DwellingState.PROPOSED),
        matched=_count_in(session, DwellingState.MATCHED),
    )


def _working_days_since(calendar: WorkCalendar, moment: datetime | None, today: date) -> int:
    if moment is None:
        return 0
    return calendar.working_days_between(local_date(moment), today)


# --- offers out with clients ------------------------------------------------------------------


@dataclass(frozen=True)
class OfferRow:
    dwelling: Dwelling
    corporation: str
    client: Client | None
    care_provider: str
    matched_at: datetime | None
    deadline: date | None
    late: bool


def care_provider_names(session: Session) -> dict[int, str]:
    """Return the care providers by id (read once inside `shared_reads`)."""
    return once(session, "care_provider_names", lambda: _names_of(
        session, select(Organisation).where(Organisation.kind == OrganisationKind.CARE_PROVIDER)))


def _names_of(session: Session, organisations: Any) -> dict[int, str]:
    return {o.id: o.name for o in session.exec(organisations) if o.id is not None}


def offers_out(
    session: Session, *, actor: Any, today: date, page: int = 1, per_page: int = 50
) -> Page[OfferRow]:
    """Return the matched dwellings, whose one-time offer awaits the client's answer,
    the answer deadline soonest first."""
    require_role(actor, Role.MATCHER)
    params = year_parameters(session, today.year)
    matched_at = (
        select(DwellingEvent.dwelling_id, func.max(DwellingEvent.at).label("at"))
        .where(DwellingEvent.trigger == "match")
        .group_by(col(DwellingEvent.dwelling_id))
        .subquery()
    )
    statement = (
        select(Dwelling)
        .outerjoin(matched_at, matched_at.c.dwelling_id == Dwelling.id)
        .where(Dwelling.state == DwellingState.MATCHED)
        .order_by(matched_at.c.at, col(Dwelling.id))
    )
    found = paginate(session, statement, page=page, per_page=per_page)
    ids = [d.id for d in found.items]
    moments = dict(session.exec(
        select(matched_at.c.dwelling_id, matched_at.c.at).where(
            matched_at.c.dwelling_id.in_(ids))
    ).all()) if ids else {}
    client_ids = [d.matched_client_id for d in found.items if d.matched_client_id]
    clients = {
        c.id: c for c in session.exec(select(Client).where(col(Client.id).in_(client_ids)))
    } if client_ids else {}
    corporations, providers = corporation_names(session), care_provider_names(session)
    rows = []
    for dwelling in found.items:
        client = clients.get(dwelling.matched_client_id)
        when = moments.get(dwelling.id)
        deadline = (
            add_working_days(local_date(when), params.offer_answer_working_days)
            if when is not None else None
        )
        rows.append(OfferRow(
            dwelling, corporations.get(dwelling.corporation_id, "?"), client,
            providers.get(client.care_provider_id, "?") if client else "–",
            when, deadline, late=deadline is not None and deadline < today,
        ))
    return Page(rows, found.page, found.per_page, found.total)


def matched_offer(session: Session, *, actor: Any, dwelling_id: int, today: date) -> OfferRow:
    """Return one dwelling's offer as on the offers page (any state, for the answer form)."""
    require_role(actor, Role.MATCHER)
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    when = session.exec(
        select(func.max(DwellingEvent.at)).where(
            DwellingEvent.dwelling_id == dwelling_id, DwellingEvent.trigger == "match")
    ).one()
    client = session.get(Client, dwelling.matched_client_id) if dwelling.matched_client_id else None
    params = year_parameters(session, today.year)
    deadline = (add_working_days(local_date(when), params.offer_answer_working_days)
                if when is not None else None)
    return OfferRow(
        dwelling, corporation_names(session).get(dwelling.corporation_id, "?"), client,
        care_provider_names(session).get(client.care_provider_id, "?") if client else "–",
        when, deadline, late=deadline is not None and deadline < today,
    )


# --- rounds past their deadline ----------------------------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    proposal: Proposal
    dwelling: Dwelling
    corporation: str
    days_late: int
    pending: int


def overdue_rounds(
    session: Session, *, actor: Any, today: date, page: int = 1, per_page: int = 50
) -> Page[OverdueRow]:
    """Return the rounds escalated as overdue, or still open past their deadline,
    the longest overdue first."""
    require_role(actor, Role.MATCHER)
    statement = (
        select(Proposal)
        .where(
            (col(Proposal.state) == ProposalState.OVERDUE)
            | ((col(Proposal.state) == ProposalState.OPEN) & (col(Proposal.deadline) < today))
        )
        .order_by(col(Proposal.deadline), col(Proposal.id))
    )
    found = paginate(session, statement, page=page, per_page=per_page)
    ids = [p.id for p in found.items]
    dwellings = {
        d.id: d for d in session.exec(
            select(Dwelling).where(col(Dwelling.id).in_([p.dwelling_id for p in found.items])))
    } if ids else {}
    pending = dict(session.exec(
        select(Candidate.proposal_id, func.count())
        .where(col(Candidate.proposal_id).in_(ids), Candidate.state == "pending")
        .group_by(col(Candidate.proposal_id))
    ).all()) if ids else {}
    names = corporation_names(session)
    calendar = year_parameters(session, today.year).calendar
    rows = []
    for proposal in found.items:
        dwelling = dwellings[proposal.dwelling_id]
        late = calendar.working_days_between(proposal.deadline, today) if proposal.deadline else 0
        rows.append(OverdueRow(proposal, dwelling, names.get(dwelling.corporation_id, "?"),
                               late, int(pending.get(proposal.id, 0))))
    return Page(rows, found.page, found.per_page, found.total)


@dataclass(frozen=True)
class RoundToEscalate:
    """One round as the agency sees it when deciding to give more time or to cancel."""

    proposal: Proposal
    dwelling: Dwelling
    corporation: str
    pending: int
    working_days_over: int  # past the (current) deadline; 0 while it has not passed

    @property
    def undecided(self) -> bool:
        return self.proposal.state in (ProposalState.OPEN, ProposalState.OVERDUE)

    @property
    def extended(self) -> bool:
        """The deadline was extended already: that is allowed once per round."""
        return self.proposal.original_deadline is not None


def round_to_escalate(
    session: Session, *, actor: Any, proposal_id: int, today: date
) -> RoundToEscalate:
    """Return any round with its dwelling, corporation, undecided candidates and lateness."""
    require_role(actor, Role.MATCHER)
    proposal = get_or_404(session, Proposal, proposal_id)
    dwelling = get_or_404(session, Dwelling, proposal.dwelling_id)
    pending = session.exec(
        select(func.count()).select_from(Candidate).where(
            Candidate.proposal_id == proposal_id, Candidate.state == "pending")
    ).one()
    calendar = year_parameters(session, today.year).calendar
    over = (calendar.working_days_between(proposal.deadline, today)
            if proposal.deadline is not None else 0)
    return RoundToEscalate(proposal, dwelling,
                           corporation_names(session).get(dwelling.corporation_id, "?"),
                           int(pending), over)


def round_size(session: Session, today: date) -> int:
    """Return the year's number of candidates per round (the policy N)."""
    return year_parameters(session, today.year).candidates_per_round
