"""Why a dwelling is back in the matcher's queue: read from the event that sent it back
(a declined offer, a round whose candidates were all rejected or that was cancelled, a client
who dropped out). The web layer words it; this module only gathers the facts."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from matching.models import DwellingEvent, Proposal, ProposalEvent, ReasonCode
from matching.vocabulary import DwellingState, ProposalState

# The kinds of cause, in the words the page picks its sentence by.
DECLINED = "declined"  # the matched client declined the one-time offer
CLIENT_WITHDRAWN = "client_withdrawn"  # the matched or accepting client left the programme
ALL_REJECTED = "all_rejected"  # the corporation rejected every candidate of the round
CANCELLED = "cancelled"  # the round was cancelled (by the matcher, with a reason)
ROUND_CLOSED = "round_closed"  # the round closed otherwise (its last candidate withdrew)


@dataclass(frozen=True)
class RequeueCause:
    kind: str
    at: datetime
    round_no: int | None = None
    client_id: int | None = None
    reason: ReasonCode | None = None  # the reason code given with a declined offer
    text: str | None = None  # a motivation or the cancelling reason, as typed


def requeue_cause(session: Session, dwelling_id: int) -> RequeueCause | None:
    """The cause of the dwelling's return to the queue, or None when it is not waiting in
    the queue after having been there before (a first submission needs no explanation)."""
    last = session.exec(
        select(DwellingEvent).where(DwellingEvent.dwelling_id == dwelling_id)
        .order_by(col(DwellingEvent.id).desc()).limit(1)
    ).first()
    if last is None or last.to_state != DwellingState.SUBMITTED:
        return None
    data = last.data or {}
    if last.trigger == "decline_offer":
        if data.get("reason") == "client withdrawn":
            return RequeueCause(CLIENT_WITHDRAWN, last.at, client_id=data.get("client_id"))
        reason = (session.get(ReasonCode, data["reason_code"])
                  if data.get("reason_code") else None)
        return RequeueCause(DECLINED, last.at, client_id=data.get("client_id"), reason=reason,
                            text=data.get("motivation"))
    if last.trigger != "reopen":
        return None
    if data.get("reason") == "client withdrawn":
        return RequeueCause(CLIENT_WITHDRAWN, last.at, client_id=data.get("client_id"))
    proposal = (session.get(Proposal, data["proposal_id"])
                if data.get("proposal_id") is not None else None)
    if proposal is None:
        return RequeueCause(ROUND_CLOSED, last.at)
    closing = session.exec(
        select(ProposalEvent).where(ProposalEvent.proposal_id == proposal.id)
        .order_by(col(ProposalEvent.id).desc()).limit(1)
    ).first()
    closing_data = (closing.data or {}) if closing is not None else {}
    if proposal.state == ProposalState.CANCELLED:
        return RequeueCause(CANCELLED, last.at, round_no=proposal.round_no,
                            text=closing_data.get("reason"))
    if proposal.state == ProposalState.REJECTED and not closing_data.get("reason"):
        return RequeueCause(ALL_REJECTED, last.at, round_no=proposal.round_no)
    return RequeueCause(ROUND_CLOSED, last.at, round_no=proposal.round_no)
