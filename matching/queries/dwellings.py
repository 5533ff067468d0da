"""Read side of the corporation's dwelling pages: the quarter at a glance, lists, one dwelling.

Everything is scoped to the actor's corporation; another corporation's dwelling is NotFound.
Candidates appear here only by position and decision, never with a client's record, so
these pages need no access-log entries (the round page in queries/proposals.py does).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from matching.access import check_dwelling_owner, get_or_404, require_role
from matching.models import (
    Candidate,
    District,
    Dwelling,
    DwellingEarmark,
    DwellingEvent,
    Organisation,
    Proposal,
    ReasonCode,
    User,
)
from matching.paging import Page, paginate
from matching.services.planning import QuotaRow, quarter_quotas
from matching.services.proposals import OPEN_ROUND_STATES
from matching.vocabulary import DwellingState, OrganisationKind, ProposalState, Role

# How many items of each kind the quarter page lists before linking to the full list.
DUE_LIMIT = 10

# Sort orders the dwellings list offers; the whole list is sorted in the database, so the
# order holds across pages (tables.js only sorts the page on screen).
SORTS: dict[str, tuple[Any, ...]] = {
    "nieuwste": (col(Dwelling.id).desc(),),
    "adres": (col(Dwelling.address), col(Dwelling.id)),
    "huur": (col(Dwelling.rent), col(Dwelling.id)),
    "beschikbaar": (col(Dwelling.available_from), col(Dwelling.id)),
    "status": (col(Dwelling.state), col(Dwelling.id)),
    "kwartaal": (col(Dwelling.quarter).desc(), col(Dwelling.id).desc()),
}


@dataclass(frozen=True)
class DueDwelling:
    dwelling: Dwelling
    since: datetime | None  # when it entered its current state


@dataclass(frozen=True)
class DueRound:
    proposal: Proposal
    dwelling: Dwelling
    late: bool  # escalated by the tick, or past its deadline and not yet escalated


def is_late(proposal: Proposal, today: date) -> bool:
    """Whether an undecided round is past its decision deadline."""
    return proposal.state == ProposalState.OVERDUE or (
        proposal.deadline is not None and proposal.deadline < today
    )


@dataclass(frozen=True)
class Due:
    """What waits for the corporation (or for someone else about its dwellings)."""

    drafts: list[DueDwelling]
    drafts_total: int
    rounds: list[DueRound]
    rounds_total: int
    awaiting_answer: list[DueDwelling]
    awaiting_answer_total: int
    to_let: list[DueDwelling]
    to_let_total: int


@dataclass(frozen=True)
class QuarterOverview:
    quarter: str
    quota: QuotaRow | None  # None when the year has no quota for this corporation
    due: Due

    @property
    def still_to_submit(self) -> int:
        """This quarter's quota plus the backlog carried in, less what was submitted."""
        if self.quota is None:
            return 0
        return max(0, self.quota.quota + self.quota.backlog - self.quota.submitted)


def _own(actor: Any) -> Any:
    require_role(actor, Role.CORPORATION)
    return select(Dwelling).where(Dwelling.corporation_id == actor.organisation_id)


def _entered_state(session: Session, dwellings: Sequence[Dwelling]) -> dict[int, datetime]:
    ids = [d.id for d in dwellings if d.id is not None]
    if not ids:
        return {}
    events = session.exec(
        select(DwellingEvent)
        .where(col(DwellingEvent.dwelling_id).in_(ids))
        .order_by(col(DwellingEvent.id))
    ).all()
    return {e.dwelling_id: e.at for e in events}  # the last event per dwelling wins


def _due_dwellings(
    session: Session, actor: Any, state: str
) -> tuple[list[DueDwelling], int]:
    query = _own(actor).where(Dwelling.state == state)
    page = paginate(session, query.order_by(col(Dwelling.id)), page=1, per_page=DUE_LIMIT)
    since = _entered_state(session, page.items)
    return [DueDwelling(d, since.get(d.id or 0)) for d in page.items], page.total


def open_rounds_query(actor: Any) -> Any:
    """The undecided rounds of the actor's dwellings, earliest deadline first."""
    require_role(actor, Role.CORPORATION)
    return (
        select(Proposal)
        .join(Dwelling, col(Dwelling.id) == col(Proposal.dwelling_id))
        .where(
            Dwelling.corporation_id == actor.organisation_id,
            col(Proposal.state).in_(OPEN_ROUND_STATES),
        )
        .order_by(col(Proposal.deadline), col(Proposal.id))
    )


def with_dwellings(
    session: Session, proposals: Sequence[Proposal], today: date
) -> list[DueRound]:
    """Each round with its dwelling and whether it is late."""
    ids = {p.dwelling_id for p in proposals}
    dwellings = {
        d.id: d for d in session.exec(select(Dwelling).where(col(Dwelling.id).in_(ids)))
    } if ids else {}
    return [DueRound(p, dwellings[p.dwelling_id], is_late(p, today)) for p in proposals]


def quarter_overview(
    session: Session, *, actor: Any, quarter: str, today: date
) -> QuarterOverview:
    """The corporation's own quota figures for `quarter` and everything now due."""
    require_role(actor, Role.CORPORATION)
    quota = next(
        (r for r in quarter_quotas(session, quarter) if r.corporation_id == actor.organisation_id),
        None,
    )
    drafts, drafts_total = _due_dwellings(session, actor, DwellingState.DRAFT)
    waiting, waiting_total = _due_dwellings(session, actor, DwellingState.MATCHED)
    to_let, to_let_total = _due_dwellings(session, actor, DwellingState.OFFER_ACCEPTED)
    rounds = paginate(session, open_rounds_query(actor), page=1, per_page=DUE_LIMIT)
    due = Due(
        drafts=drafts, drafts_total=drafts_total,
        rounds=with_dwellings(session, rounds.items, today), rounds_total=rounds.total,
        awaiting_answer=waiting, awaiting_answer_total=waiting_total,
        to_let=to_let, to_let_total=to_let_total,
    )
    return QuarterOverview(quarter=quarter, quota=quota, due=due)


def dwelling_list(
    session: Session, *, actor: Any, state: str | None = None, quarter: str | None = None,
    sort: str = "nieuwste", page: int = 1, per_page: int = 50,
) -> Page[Dwelling]:
    """The corporation's own dwellings, filtered by state and quarter, in the chosen order."""
    query = _own(actor)
    if state:
        query = query.where(Dwelling.state == state)
    if quarter:
        query = query.where(Dwelling.quarter == quarter)
    query = query.order_by(*SORTS.get(sort, SORTS["nieuwste"]))
    return paginate(session, query, page=page, per_page=per_page)


def own_quarters(session: Session, *, actor: Any) -> list[str]:
    """The quarters in which the corporation submitted dwellings, newest first."""
    require_role(actor, Role.CORPORATION)
    rows = session.exec(
        select(Dwelling.quarter)
        .where(Dwelling.corporation_id == actor.organisation_id,
               col(Dwelling.quarter).is_not(None))
        .distinct()
    ).all()
    return sorted((str(q) for q in rows), reverse=True)


def own_dwelling(session: Session, *, actor: Any, dwelling_id: int) -> Dwelling:
    """One of the corporation's dwellings; another's is NotFound (it must not leak)."""
    require_role(actor, Role.CORPORATION)
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    check_dwelling_owner(actor, dwelling)
    return dwelling


def earmarked_ids(session: Session, dwelling_id: int) -> list[int]:
    return list(session.exec(
        select(DwellingEarmark.care_provider_id).where(DwellingEarmark.dwelling_id == dwelling_id)
    ).all())


@dataclass(frozen=True)
class RoundSummary:
    proposal: Proposal
    candidates: list[Candidate]


@dataclass(frozen=True)
class HistoryLine:
    event: DwellingEvent
    organisation: str | None  # whose staff did it; None for the system (timers)

    # The history table (_history.html) reads these of every area's entries.
    @property
    def at(self) -> datetime:
        return self.event.at

    @property
    def trigger(self) -> str:
        return self.event.trigger

    @property
    def from_state(self) -> str | None:
        return self.event.from_state

    @property
    def to_state(self) -> str:
        return self.event.to_state

    @property
    def data(self) -> dict[str, Any]:
        return self.event.data or {}


@dataclass(frozen=True)
class DwellingDetail:
    dwelling: Dwelling
    earmarked: list[str]
    rounds: list[RoundSummary]
    history: list[HistoryLine]
    reasons: dict[str, ReasonCode] = field(default_factory=dict)


def dwelling_detail(session: Session, *, actor: Any, dwelling_id: int) -> DwellingDetail:
    """One own dwelling with its rounds (candidates by position and decision) and history."""
    dwelling = own_dwelling(session, actor=actor, dwelling_id=dwelling_id)
    earmarked = session.exec(
        select(Organisation.name)
        .join(DwellingEarmark, col(DwellingEarmark.care_provider_id) == col(Organisation.id))
        .where(DwellingEarmark.dwelling_id == dwelling_id)
        .order_by(col(Organisation.name))
    ).all()
    proposals = session.exec(
        select(Proposal).where(Proposal.dwelling_id == dwelling_id)
        .order_by(col(Proposal.round_no).desc())
    ).all()
    candidates = session.exec(
        select(Candidate).where(Candidate.dwelling_id == dwelling_id)
        .order_by(col(Candidate.position))
    ).all()
    rounds = [
        RoundSummary(p, [c for c in candidates if c.proposal_id == p.id]) for p in proposals
    ]
    codes = {c.reason_code for c in candidates if c.reason_code}
    reasons = {
        r.code: r for r in session.exec(select(ReasonCode).where(col(ReasonCode.code).in_(codes)))
    } if codes else {}
    return DwellingDetail(
        dwelling=dwelling, earmarked=list(earmarked), rounds=rounds,
        history=dwelling_history(session, dwelling_id), reasons=reasons,
    )


def dwelling_history(session: Session, dwelling_id: int) -> list[HistoryLine]:
    """A dwelling's events, oldest first, each with the organisation whose staff did it (the
    corporation's and the matcher's dwelling pages show the same story)."""
    events = session.exec(
        select(DwellingEvent, Organisation.name)
        .join(User, col(User.id) == col(DwellingEvent.actor_user_id), isouter=True)
        .join(Organisation, col(Organisation.id) == col(User.organisation_id), isouter=True)
        .where(DwellingEvent.dwelling_id == dwelling_id)
        .order_by(col(DwellingEvent.id))
    ).all()
    return [HistoryLine(e, name) for e, name in events]


def district_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Districts for a select: Utrecht's wijken, then the U16 municipalities."""
    rows = session.exec(select(District).order_by(col(District.kind).desc(),
                                                  col(District.name))).all()
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        groups.setdefault(row.kind, []).append((row.name, row.name))
    return groups


def care_provider_choices(session: Session) -> list[tuple[int, str]]:
    rows = session.exec(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.CARE_PROVIDER,
               col(Organisation.active).is_(True))
        .order_by(col(Organisation.name))
    ).all()
    return [(o.id, o.name) for o in rows if o.id is not None]
