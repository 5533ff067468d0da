"""The proposal round and its candidates.

A round is `open` until the corporation accepts one candidate (`accepted`) or has rejected
them all (`rejected`); past its deadline without a decision it is `overdue` and escalated,
never closed silently: the agency may extend the deadline once (back to `open`) or cancel
it. Each candidate is `pending` until accepted, rejected, passed over (`not_chosen`, because
another was accepted) or withdrawn (round cancelled, client withdrawn).
"""

from typing import Any

from transitions import EventData

from matching.models import Candidate, CandidateEvent, Proposal, ProposalEvent
from matching.vocabulary import CandidateState as C
from matching.vocabulary import ProposalState as P
from matching.workflow.engine import Adapter, Workflow, build_machine, register

_UNDECIDED = [P.OPEN, P.OVERDUE]

ROUND_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "escalate", "source": P.OPEN, "dest": P.OVERDUE},
    # The agency gives the corporation more time, once per round, with a reason.
    {"trigger": "extend", "source": _UNDECIDED, "dest": P.OPEN, "conditions": "not_extended_yet",
     "after": "move_deadline"},
    {"trigger": "accept", "source": _UNDECIDED, "dest": P.ACCEPTED},
    {"trigger": "reject", "source": _UNDECIDED, "dest": P.REJECTED},
    {"trigger": "cancel", "source": _UNDECIDED, "dest": P.CANCELLED},
]

CANDIDATE_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "accept", "source": C.PENDING, "dest": C.ACCEPTED},
    {"trigger": "reject", "source": C.PENDING, "dest": C.REJECTED},
    {"trigger": "pass_over", "source": C.PENDING, "dest": C.NOT_CHOSEN},
    {"trigger": "withdraw", "source": C.PENDING, "dest": C.WITHDRAWN},
]


class ProposalAdapter(Adapter):
    row: Proposal

    def not_extended_yet(self, event: EventData) -> bool:
        """A round's deadline can be extended once."""
        return self.row.original_deadline is None

    def move_deadline(self, event: EventData) -> None:
        """Keep the deadline replaced and set the new one."""
        self.row.original_deadline = self.row.deadline
        self.row.deadline = event.kwargs["deadline"]


class CandidateAdapter(Adapter):
    row: Candidate


ROUND_MACHINE = build_machine([s.value for s in P], ROUND_TRANSITIONS)
CANDIDATE_MACHINE = build_machine([s.value for s in C], CANDIDATE_TRANSITIONS)
ROUND_WORKFLOW = Workflow("proposal", ROUND_MACHINE, ProposalAdapter, ProposalEvent, "proposal_id")
CANDIDATE_WORKFLOW = Workflow(
    "candidate", CANDIDATE_MACHINE, CandidateAdapter, CandidateEvent, "candidate_id"
)
register(Proposal, ROUND_WORKFLOW)
register(Candidate, CANDIDATE_WORKFLOW)
