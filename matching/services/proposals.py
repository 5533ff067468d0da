"""Proposal rounds: the agency proposes candidates; the corporation accepts one or rejects.

Row locks follow the global order of services.locks: the dwelling, its round, the round's
candidates, then the clients whose state changes (by id).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from matching.access import MAX_ID, check_dwelling_owner, require_role
from matching.engine.context import limits_for
from matching.engine.ranking import score
from matching.engine.rules import first_failing_rule
from matching.engine.suggest import RULE_TEXT, client_facts, dwelling_facts, suggest
from matching.models import Candidate, Client, Dwelling, Proposal
from matching.notifications import causes
from matching.parameters import year_parameters
from matching.services.errors import ValidationFailed
from matching.services.locks import lock_rows, lock_where
from matching.services.reference import reason_code_of_kind
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import CandidateState, ProposalState, Role, utcnow
from matching.workdays import local_date
from matching.workflow import fire
from matching.workflow.engine import record_creation, require_trigger

OPEN_ROUND_STATES = (ProposalState.OPEN, ProposalState.OVERDUE)


def open_round(session: Session, dwelling_id: int, *, lock: bool = False) -> Proposal | None:
    """Return the dwelling's undecided round, if any; `lock` locks it (the caller holds the
    dwelling's lock already)."""
    is_open = (col(Proposal.dwelling_id) == dwelling_id) & col(Proposal.state).in_(
        OPEN_ROUND_STATES)
    if lock:
        return next(iter(lock_where(session, Proposal, is_open)), None)
    return session.exec(select(Proposal).where(is_open)).first()


def _candidates(session: Session, proposal_id: int) -> list[Candidate]:
    """Lock a round's candidates (by id, as all locks go) and return them by position."""
    rows = lock_where(session, Candidate, col(Candidate.proposal_id) == proposal_id)
    return sorted(rows, key=lambda c: c.position)


@dataclass(frozen=True)
class LockedRound:
    dwelling: Dwelling
    proposal: Proposal
    candidates: list[Candidate]  # by position


def lock_round(session: Session, proposal_id: int) -> LockedRound:
    """Lock a round's dwelling, the round and its candidates, in that (the global) order."""
    # A round never moves to another dwelling, so its dwelling can be read before the lock.
    dwelling_id = get_or_404(session, Proposal, proposal_id).dwelling_id
    dwelling = get_or_404(session, Dwelling, dwelling_id, lock=True)
    proposal = get_or_404(session, Proposal, proposal_id, lock=True)
    return LockedRound(dwelling, proposal, _candidates(session, proposal_id))


def _lock_clients(session: Session, candidates: Sequence[Candidate]) -> dict[int, Client]:
    rows = lock_rows(session, Client, [c.client_id for c in candidates])
    return {client.id: client for client in rows if client.id is not None}


@service
def propose_candidates(
    session: Session,
    *,
    dwelling_id: int,
    client_ids: Sequence[int],
    actor: Any,
    motivation: str | None = None,
    now: datetime | None = None,
) -> Proposal:
    """Open a round of one to N eligible candidates for a submitted dwelling.

    The engine's ranking is stored with every candidate. Proposing others than the engine's
    top suggestions needs a motivation, stored with the round. Clients are locked in id order
    so two rounds racing for one client cannot both win.
    """
    require_role(actor, Role.MATCHER)
    moment = now or utcnow()
    today = local_date(moment)
    dwelling = get_or_404(session, Dwelling, dwelling_id, lock=True)
    params = year_parameters(session, today.year)
    ids = list(client_ids)
    problems: dict[str, str] = {}
    if not ids:
        problems["client_ids"] = "propose at least one client"
    elif len(ids) > params.candidates_per_round:
        problems["client_ids"] = f"propose at most {params.candidates_per_round} clients"
    elif len(set(ids)) != len(ids):
        problems["client_ids"] = "a client is listed twice"
    if problems:
        raise ValidationFailed(problems)
    require_trigger(dwelling, "propose", now=moment)
    # One statement, in ascending id order; an id no row can have is not sent to the database.
    clients = lock_rows(session, Client, [i for i in ids if 0 < i <= MAX_ID])
    missing = sorted(set(ids) - {client.id for client in clients})
    if missing:
        raise ValidationFailed({"client_ids": f"client {missing[0]} does not exist"})
    for client in clients:
        require_trigger(client, "propose", now=moment)
    by_id = {c.id: c for c in clients}

    suggestions = suggest(session, dwelling, today=today, limit=params.candidates_per_round)
    facts = dwelling_facts(session, dwelling)
    limits = limits_for(params, today)
    for client_id in ids:
        rule = first_failing_rule(client_facts(by_id[client_id]), facts, limits)
        if rule is not None:
            raise ValidationFailed(
                {"client_ids": f"client {client_id} is not eligible: {RULE_TEXT[rule][1]}"}
            )
    deviates = set(ids) != set(suggestions.top_ids[: len(ids)])
    if deviates and not (motivation or "").strip():
        raise ValidationFailed(
            {"motivation": "a motivation is required when proposing others than the top "
                           "suggestions"}
        )

    for client in clients:
        fire(client, "propose", actor=actor, now=moment, dwelling_id=dwelling_id)
    fire(dwelling, "propose", actor=actor, now=moment, client_ids=ids)
    round_no = (
        session.exec(
            select(func.max(Proposal.round_no)).where(Proposal.dwelling_id == dwelling_id)
        ).one()
        or 0
    ) + 1
    proposal = Proposal(
        dwelling_id=dwelling_id,
        round_no=round_no,
        policy_version=suggestions.policy.version,
        motivation=(motivation or "").strip() or None,
        deviates=deviates,
        opened_at=moment,
        deadline=params.calendar.add_working_days(today, params.decision_working_days),
        proposed_by_user_id=getattr(actor, "id", None),
    )
    session.add(proposal)
    record_creation(proposal, actor=actor, now=moment, client_ids=ids)
    suggested_rank = {s.client.id: s.rank for s in suggestions.suggestions}
    for position, client_id in enumerate(ids, start=1):
        ranking = score(client_facts(by_id[client_id]), suggestions.context)
        explanation = ranking.explanation(suggestions.policy)
        explanation["suggested_rank"] = suggested_rank.get(client_id)
        candidate = Candidate(
            proposal_id=proposal.id,  # type: ignore[arg-type]
            client_id=client_id,
            dwelling_id=dwelling_id,
            position=position,
            score=float(ranking.total),
            explanation=explanation,
        )
        session.add(candidate)
        record_creation(candidate, actor=actor, now=moment)
    causes.round_news(session, "round_opened", proposal, dwelling, moment)
    commit(session)
    return proposal


@service
def decide_candidate(
    session: Session,
    *,
    proposal_id: int,
    client_id: int,
    decision: str,
    actor: Any,
    reason_code: str | None = None,
    motivation: str | None = None,
    now: datetime | None = None,
) -> Proposal:
    """Accept one candidate (closing the round) or reject one with a reason."""
    require_role(actor, Role.CORPORATION)
    moment = now or utcnow()
    # The round is locked (after its dwelling): decisions on one round are taken one at a time.
    locked = lock_round(session, proposal_id)
    proposal, dwelling, candidates = locked.proposal, locked.dwelling, locked.candidates
    check_dwelling_owner(actor, dwelling)
    if decision not in ("accept", "reject"):
        raise ValidationFailed({"decision": "must be 'accept' or 'reject'"})
    chosen = next((c for c in candidates if c.client_id == client_id), None)
    if chosen is None:
        raise ValidationFailed(
            {"client_id": f"client {client_id} is not a candidate of this round"}
        )
    # Accepting moves every pending candidate's client, rejecting only the chosen one's.
    moving = [c for c in candidates if c.state == CandidateState.PENDING
              and (decision == "accept" or c is chosen)]
    clients = _lock_clients(session, moving)
    if decision == "accept":
        _accept(session, proposal, dwelling, chosen, candidates, clients, actor, moment)
    else:
        _reject(session, proposal, dwelling, chosen, candidates, clients, actor, moment,
                reason_code, motivation)
    commit(session)
    return proposal


def _accept(
    session: Session, proposal: Proposal, dwelling: Dwelling, chosen: Candidate,
    candidates: list[Candidate], clients: dict[int, Client], actor: Any, moment: datetime,
) -> None:
    fire(chosen, "accept", actor=actor, now=moment)
    chosen.decided_at, chosen.decided_by_user_id = moment, getattr(actor, "id", None)
    fire(proposal, "accept", actor=actor, now=moment, client_id=chosen.client_id)
    proposal.closed_at = moment
    for other in candidates:
        if other is not chosen and other.state == CandidateState.PENDING:
            fire(other, "pass_over", actor=actor, now=moment)
            _requeue(clients[other.client_id], actor, moment, dwelling.id)
    client = clients[chosen.client_id]
    fire(client, "match", actor=actor, now=moment, dwelling_id=dwelling.id)
    fire(dwelling, "match", actor=actor, now=moment, client_id=client.id)
    dwelling.matched_client_id = client.id
    causes.round_decided(session, proposal, dwelling, "accepted", moment)


def _reject(
    session: Session, proposal: Proposal, dwelling: Dwelling, chosen: Candidate,
    candidates: list[Candidate], clients: dict[int, Client], actor: Any, moment: datetime,
    reason_code: str | None, motivation: str | None,
) -> None:
    problems: dict[str, str] = {}
    reason = reason_code_of_kind(session, reason_code or "", "landlord")
    text = (motivation or "").strip()
    if not reason_code:
        problems["reason_code"] = "a reason code is required to reject a candidate"
    elif reason is None:
        problems["reason_code"] = f"'{reason_code}' is not a reason a corporation can give"
    elif reason.needs_motivation and not text:
        problems["motivation"] = f"a motivation is required with reason '{reason_code}'"
    if problems:
        raise ValidationFailed(problems)
    fire(chosen, "reject", actor=actor, now=moment, reason_code=reason_code, motivation=text)
    chosen.reason_code, chosen.motivation = reason_code, text or None
    chosen.decided_at, chosen.decided_by_user_id = moment, getattr(actor, "id", None)
    _requeue(clients[chosen.client_id], actor, moment, dwelling.id)
    if all(c.state != CandidateState.PENDING for c in candidates):
        # Every candidate rejected: the round closes and the agency proposes new clients.
        fire(proposal, "reject", actor=actor, now=moment)
        proposal.closed_at = moment
        fire(dwelling, "reopen", actor=actor, now=moment, proposal_id=proposal.id)
        causes.round_decided(session, proposal, dwelling, "rejected", moment)


def _requeue(client: Client, actor: Any, moment: datetime, dwelling_id: Any) -> None:
    fire(client, "requeue", actor=actor, now=moment, dwelling_id=dwelling_id)


def cancel_open_round(
    session: Session, *, dwelling: Dwelling, actor: Any, now: datetime | None = None,
    reason: str | None = None,
) -> Proposal | None:
    """Cancel the dwelling's open round and send its pending candidates back to waiting;
    return the round cancelled, if there was one. The caller holds the dwelling's lock."""
    moment = now or utcnow()
    proposal = open_round(session, dwelling.id, lock=True)  # type: ignore[arg-type]
    if proposal is None:
        return None
    candidates = _candidates(session, proposal.id)  # type: ignore[arg-type]
    pending = [c for c in candidates if c.state == CandidateState.PENDING]
    clients = _lock_clients(session, pending)
    for candidate in pending:
        fire(candidate, "withdraw", actor=actor, now=moment)
        _requeue(clients[candidate.client_id], actor, moment, dwelling.id)
    fire(proposal, "cancel", actor=actor, now=moment, **({"reason": reason} if reason else {}))
    proposal.closed_at = moment
    return proposal


def withdraw_candidate(
    locked: LockedRound, *, candidate_id: int, actor: Any, now: datetime | None = None
) -> None:
    """Take a withdrawn client out of their locked round; close the round if nobody is left."""
    moment = now or utcnow()
    candidate = next(c for c in locked.candidates if c.id == candidate_id)
    fire(candidate, "withdraw", actor=actor, now=moment)
    if all(c.state != CandidateState.PENDING for c in locked.candidates):
        proposal = locked.proposal
        fire(proposal, "reject", actor=actor, now=moment, reason="client withdrawn")
        proposal.closed_at = moment
        fire(locked.dwelling, "reopen", actor=actor, now=moment, proposal_id=proposal.id)

