"""Suggestions of the engine, rounds of candidates, and the corporation's decisions."""

from collections.abc import Collection
from typing import Any

from sqlmodel import Session

from matching.parameters import year_parameters
from matching.queries import api as queries
from matching.services import proposals as service
from matching.services import round_escalation
from matching.services.matching import suggest_for_dwelling
from matching.vocabulary import utcnow
from matching.web import db_session
from matching.web.api import responses as out
from matching.web.api import serializers as to
from matching.web.api.auth import api_actor, roles
from matching.web.api.common import ID, resource
from matching.web.api.schemas import (
    DecisionBody,
    DwellingPath,
    IdempotencyHeader,
    ProposalPath,
    ProposeBody,
    RoundCancelBody,
    RoundExtendBody,
    SuggestionQuery,
)
from matching.web.api.shown import log_shown_clients, with_reads_logged
from matching.workdays import local_date

blueprint = resource("proposals", "The engine's suggestions, rounds of candidates, decisions")


def _round_purpose(proposal_id: int, dwelling_id: int | None) -> str:
    return f"API: round {proposal_id} of dwelling {dwelling_id}"


def _round_answer(session: Session, proposal_id: int | None, status: int = 200,
                  *, logged: Collection[int] = ()):
    """The round after the change, with its dwelling; the candidates' reads are logged
    (but for those in `logged`: the change's own commit wrote them)."""
    assert proposal_id is not None
    actor = api_actor()
    found, dwelling = queries.proposal_round(session, actor=actor, proposal_id=proposal_id)
    client_ids = [c.client_id for c in found.candidates]
    clients = queries.clients_by_id(session, client_ids)
    log_shown_clients(session, set(client_ids) - set(logged),
                      _round_purpose(proposal_id, dwelling.id))
    assert dwelling.id is not None
    earmarks = queries.earmarks_of(session, [dwelling.id])[dwelling.id]
    return to.answer(to.proposal_result(found, clients, dwelling, earmarks), status)


@blueprint.get(f"/dwellings/<{ID}:dwelling_id>/suggestions",
               responses={200: out.SuggestionsOut})
@roles("matcher")
def list_suggestions(path: DwellingPath, query: SuggestionQuery) -> Any:
    """Rank the eligible clients for a dwelling, with explanations and exclusion counts."""
    session = db_session()
    per_page = query.per_page or year_parameters(
        session, local_date(utcnow()).year).candidates_per_round
    found = suggest_for_dwelling(session, dwelling_id=path.dwelling_id, actor=api_actor(),
                                 limit=query.page * per_page)
    return to.answer(to.suggestions(found, page=query.page, per_page=per_page))


@blueprint.post(f"/dwellings/<{ID}:dwelling_id>/proposals", responses={201: out.ProposalResult})
@roles("matcher")
def propose_candidates(path: DwellingPath, body: ProposeBody, header: IdempotencyHeader) -> Any:
    """Open a round of candidates for a submitted dwelling (motivation when deviating)."""
    session = db_session()
    # The round's candidates are the clients asked for: the answer shows them, so their
    # reads go into the proposal's own commit (dropped with it when it is refused).
    proposal = with_reads_logged(
        session, body.client_ids, f"API: new round of dwelling {path.dwelling_id}",
        lambda: service.propose_candidates(
            session, dwelling_id=path.dwelling_id, client_ids=body.client_ids,
            motivation=body.motivation, actor=api_actor(),
        ))
    return _round_answer(session, proposal.id, 201, logged=body.client_ids)


@blueprint.get(f"/proposals/<{ID}:proposal_id>", responses={200: out.ProposalResult})
@roles("corporation", "matcher")
def get_proposal(path: ProposalPath) -> Any:
    """Return a round with its candidates, their decisions, and its dwelling."""
    return _round_answer(db_session(), path.proposal_id)


@blueprint.post(f"/proposals/<{ID}:proposal_id>/decisions", responses={200: out.ProposalResult})
@roles("corporation")
def decide_candidate(path: ProposalPath, body: DecisionBody, header: IdempotencyHeader) -> Any:
    """Accept one candidate of a round, or reject one with a reason code."""
    session = db_session()
    # A round's candidates are set when it opens: the answer shows these, so their reads go
    # into the decision's own commit (dropped with it when the decision is refused).
    dwelling_id, client_ids = queries.round_members(session, path.proposal_id)
    proposal = with_reads_logged(
        session, client_ids, _round_purpose(path.proposal_id, dwelling_id),
        lambda: service.decide_candidate(
            session, proposal_id=path.proposal_id, client_id=body.client_id,
            decision=body.decision, reason_code=body.reason_code, motivation=body.motivation,
            actor=api_actor(),
        ))
    return _round_answer(session, proposal.id, logged=client_ids)


@blueprint.post(f"/proposals/<{ID}:proposal_id>/extend", responses={200: out.ProposalResult})
@roles("matcher")
def extend_round(path: ProposalPath, body: RoundExtendBody, header: IdempotencyHeader) -> Any:
    """Give the corporation until `deadline` to decide on an undecided round (once)."""
    session = db_session()
    proposal = round_escalation.extend_round_deadline(
        session, proposal_id=path.proposal_id, deadline=body.deadline, reason=body.reason,
        actor=api_actor(),
    )
    return _round_answer(session, proposal.id)


@blueprint.post(f"/proposals/<{ID}:proposal_id>/cancel", responses={200: out.ProposalResult})
@roles("matcher")
def cancel_round(path: ProposalPath, body: RoundCancelBody, header: IdempotencyHeader) -> Any:
    """Cancel an undecided round: its candidates wait again, the dwelling is queued again."""
    session = db_session()
    proposal = round_escalation.cancel_round(
        session, proposal_id=path.proposal_id, reason=body.reason, actor=api_actor(),
    )
    return _round_answer(session, proposal.id)
