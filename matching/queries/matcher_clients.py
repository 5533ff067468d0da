"""The matching agency's read side around clients: referrals, a dwelling with its rounds, and
the names and labels that go with the clients the engine suggests.

The caller logs the reads of the clients it shows (`services.clients.log_client_reads`).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from matching.access import get_or_404, require_role
from matching.models import (
    Candidate,
    Client,
    Dwelling,
    DwellingEarmark,
    Organisation,
    Proposal,
    ReasonCode,
    TargetGroup,
    User,
)
from matching.paging import Page, paginate
from matching.queries.clients import target_groups_by_code
from matching.queries.matcher import care_provider_names, corporation_names
from matching.vocabulary import ClientState, Role
from matching.workdays import local_date, working_days_between


@dataclass(frozen=True)
class ClientLabel:
    """Who a client is for the agency: the provider's pseudonymous reference and the group."""

    id: int
    reference: str
    care_provider: str
    target_group: TargetGroup | None


def client_labels(session: Session, *, actor: Any, client_ids: list[int]) -> dict[int, ClientLabel]:
    """Return reference, care provider and target group of the given clients."""
    require_role(actor, Role.MATCHER)
    if not client_ids:
        return {}
    groups, providers = target_groups_by_code(session), care_provider_names(session)
    rows = session.exec(select(Client).where(col(Client.id).in_(sorted(set(client_ids)))))
    return {
        c.id: ClientLabel(c.id, c.reference, providers.get(c.care_provider_id, "?"),
                          groups.get(c.target_group))
        for c in rows if c.id is not None
    }


# --- referrals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Referral:
    client: Client
    care_provider: str
    target_group: TargetGroup | None


def referrals(
    session: Session, *, actor: Any, care_provider_id: int | None = None, page: int = 1,
    per_page: int = 50,
) -> Page[Referral]:
    """Return the clients referred and not yet approved, the oldest referral first."""
    require_role(actor, Role.MATCHER)
    statement = select(Client).where(Client.state == ClientState.REGISTERED)
    if care_provider_id is not None:
        statement = statement.where(Client.care_provider_id == care_provider_id)
    statement = statement.order_by(col(Client.registered_on), col(Client.id))
    found = paginate(session, statement, page=page, per_page=per_page)
    groups, providers = target_groups_by_code(session), care_provider_names(session)
    rows = [
        Referral(c, providers.get(c.care_provider_id, "?"), groups.get(c.target_group))
        for c in found.items
    ]
    return Page(rows, found.page, found.per_page, found.total)


# --- one dwelling and its rounds ---------------------------------------------------------------


@dataclass(frozen=True)
class DwellingView:
    dwelling: Dwelling
    corporation: str
    earmarked_for: list[str]
    working_days: int | None


def dwelling_view(session: Session, *, actor: Any, dwelling_id: int, today: date) -> DwellingView:
    """Return a dwelling with its corporation, earmarks and working days since submission."""
    require_role(actor, Role.MATCHER)
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    earmarks = session.exec(
        select(Organisation.name)
        .join(DwellingEarmark, col(DwellingEarmark.care_provider_id) == col(Organisation.id))
        .where(DwellingEarmark.dwelling_id == dwelling_id)
        .order_by(col(Organisation.name))
    ).all()
    days = (working_days_between(local_date(dwelling.submitted_at), today)
            if dwelling.submitted_at is not None else None)
    return DwellingView(dwelling, corporation_names(session).get(dwelling.corporation_id, "?"),
                        list(earmarks), days)


@dataclass(frozen=True)
class CandidateView:
    candidate: Candidate
    client: ClientLabel | None
    reason: ReasonCode | None


@dataclass(frozen=True)
class RoundView:
    proposal: Proposal
    proposed_by: str | None
    candidates: list[CandidateView]

    @property
    def client_ids(self) -> list[int]:
        return [c.candidate.client_id for c in self.candidates]


def rounds_of(session: Session, *, actor: Any, dwelling_id: int) -> list[RoundView]:
    """Return the dwelling's rounds, the latest first, with candidates and decisions."""
    require_role(actor, Role.MATCHER)
    proposals = session.exec(
        select(Proposal).where(Proposal.dwelling_id == dwelling_id)
        .order_by(col(Proposal.round_no).desc())
    ).all()
    if not proposals:
        return []
    candidates = session.exec(
        select(Candidate).where(col(Candidate.proposal_id).in_([p.id for p in proposals]))
        .order_by(col(Candidate.position))
    ).all()
    labels = client_labels(session, actor=actor, client_ids=[c.client_id for c in candidates])
    reasons = {r.code: r for r in session.exec(select(ReasonCode))}
    users = {
        u.id: u.email for u in session.exec(select(User).where(
            col(User.id).in_([p.proposed_by_user_id for p in proposals if p.proposed_by_user_id])))
    }
    return [
        RoundView(
            proposal,
            users.get(proposal.proposed_by_user_id) if proposal.proposed_by_user_id else None,
            [CandidateView(c, labels.get(c.client_id), reasons.get(c.reason_code or ""))
             for c in candidates if c.proposal_id == proposal.id],
        )
        for proposal in proposals
    ]


def candidate_reasons(session: Session) -> list[ReasonCode]:
    """Return the active reasons a client can give for declining an offer."""
    return list(session.exec(
        select(ReasonCode).where(ReasonCode.kind == "candidate", col(ReasonCode.active))
        .order_by(col(ReasonCode.label_nl))
    ))
