"""The dwelling offer: draft → submitted → proposed → matched → offer_accepted → let."""

from typing import Any

from transitions import EventData

from matching.models import Dwelling, DwellingEvent
from matching.quarters import quarter_of
from matching.vocabulary import DwellingState as S
from matching.workdays import WorkCalendar, local_date
from matching.workflow.engine import Adapter, Workflow, build_machine, register

# Working days without a match after which the corporation may release the dwelling to
# regular allocation (product.md section 7; a year parameter, this is its default).
RELEASE_AFTER_WORKING_DAYS = 30

TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "submit", "source": S.DRAFT, "dest": S.SUBMITTED, "after": "record_submission"},
    {"trigger": "propose", "source": S.SUBMITTED, "dest": S.PROPOSED},
    # Every candidate of the round was rejected, the round was cancelled, or the client who
    # accepted the offer dropped out before the lease: a new round follows.
    {"trigger": "reopen", "source": [S.PROPOSED, S.OFFER_ACCEPTED], "dest": S.SUBMITTED},
    {"trigger": "match", "source": S.PROPOSED, "dest": S.MATCHED},
    {"trigger": "accept_offer", "source": S.MATCHED, "dest": S.OFFER_ACCEPTED},
    {"trigger": "decline_offer", "source": S.MATCHED, "dest": S.SUBMITTED},
    {"trigger": "let", "source": S.OFFER_ACCEPTED, "dest": S.LET},
    {"trigger": "withdraw", "source": [S.DRAFT, S.SUBMITTED, S.PROPOSED], "dest": S.WITHDRAWN},
    {
        "trigger": "release",
        "source": S.SUBMITTED,
        "dest": S.RELEASED,
        "conditions": "past_release_deadline",
    },
]


class DwellingAdapter(Adapter):
    row: Dwelling

    def record_submission(self, event: EventData) -> None:
        """Stamp the moment and the quarter the dwelling counts for (the quarter submitted)."""
        now = event.kwargs["now"]
        self.row.submitted_at = now
        self.row.quarter = quarter_of(local_date(now))

    def past_release_deadline(self, event: EventData) -> bool:
        """Allow release only once the dwelling has waited the set working days unmatched."""
        submitted = self.row.submitted_at
        if submitted is None:
            return False
        days = event.kwargs.get("release_after", RELEASE_AFTER_WORKING_DAYS)
        calendar = WorkCalendar(good_friday_off=bool(event.kwargs.get("good_friday_off")))
        waited = calendar.working_days_between(local_date(submitted),
                                               local_date(event.kwargs["now"]))
        return bool(waited >= days)


MACHINE = build_machine([s.value for s in S], TRANSITIONS)
WORKFLOW = Workflow("dwelling", MACHINE, DwellingAdapter, DwellingEvent, "dwelling_id")
register(Dwelling, WORKFLOW)
