"""The lease, with its three types.

flip: active → review_due (three months before the review date) → transferred (omklap) or
extended (new review date) → review_due again …; campus: active → ending (six months before
the end date) → ended; direct: active → ended. Any open lease can end.
"""

from typing import Any

from transitions import EventData

from matching.models import Lease, LeaseEvent
from matching.vocabulary import LeaseState as S
from matching.vocabulary import LeaseType
from matching.workflow.engine import Adapter, Workflow, build_machine, register

TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "due", "source": [S.ACTIVE, S.EXTENDED], "dest": S.REVIEW_DUE,
     "conditions": "is_flip"},
    {"trigger": "transfer", "source": S.REVIEW_DUE, "dest": S.TRANSFERRED,
     "conditions": "is_flip", "after": "record_transfer"},
    # An institution dwelling the client already lives in, registered as flipped: the lease
    # passes to the client at once (services.institution_flips), without a review.
    {"trigger": "transfer_in_place", "source": S.ACTIVE, "dest": S.TRANSFERRED,
     "conditions": ["is_flip", "is_institution"], "after": "record_transfer"},
    {"trigger": "extend", "source": S.REVIEW_DUE, "dest": S.EXTENDED,
     "conditions": "is_flip", "after": "record_extension"},
    {"trigger": "approach_end", "source": S.ACTIVE, "dest": S.ENDING, "conditions": "is_campus"},
    # After the transfer the client rents directly; that lease can still end later.
    {"trigger": "end",
     "source": [S.ACTIVE, S.REVIEW_DUE, S.EXTENDED, S.TRANSFERRED, S.ENDING], "dest": S.ENDED,
     "after": "record_end"},
]


class LeaseAdapter(Adapter):
    row: Lease

    def is_flip(self, _event: EventData) -> bool:
        return self.row.lease_type == LeaseType.FLIP

    def is_institution(self, _event: EventData) -> bool:
        return self.row.is_institution

    def is_campus(self, _event: EventData) -> bool:
        return self.row.lease_type == LeaseType.CAMPUS

    def record_transfer(self, event: EventData) -> None:
        """The client becomes the tenant from the given date; the care provider steps out."""
        self.row.transferred_on = event.kwargs["on"]
        self.row.tenant_care_provider_id = None

    def record_extension(self, event: EventData) -> None:
        self.row.review_on = event.kwargs["review_on"]

    def record_end(self, event: EventData) -> None:
        self.row.ended_on = event.kwargs["on"]


MACHINE = build_machine([s.value for s in S], TRANSITIONS)
WORKFLOW = Workflow("lease", MACHINE, LeaseAdapter, LeaseEvent, "lease_id",
                    unlisted=frozenset({"transfer_in_place"}))
register(Lease, WORKFLOW)
