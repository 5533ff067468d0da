"""The client (a referral): registered → waiting → proposed → matched → offer_accepted → housed."""

from typing import Any

from sqlalchemy.orm import object_session
from transitions import EventData

import matching.engine.profile  # noqa: F401  (its hooks keep the pool's profile in step)
from matching.audit import record_client_access
from matching.models import Client, ClientEvent
from matching.vocabulary import ClientState as S
from matching.workdays import local_date
from matching.workflow.engine import Adapter, Workflow, build_machine, register

TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "approve", "source": S.REGISTERED, "dest": S.WAITING, "after": "start_waiting"},
    {"trigger": "propose", "source": S.WAITING, "dest": S.PROPOSED},
    # Rejected, not chosen, or the round was cancelled: the waiting time keeps running.
    {"trigger": "requeue", "source": S.PROPOSED, "dest": S.WAITING},
    {"trigger": "match", "source": S.PROPOSED, "dest": S.MATCHED},
    {"trigger": "accept_offer", "source": S.MATCHED, "dest": S.OFFER_ACCEPTED},
    # Declined for a reason HVH accepts as valid: back in the queue, priority kept.
    {"trigger": "decline_offer", "source": S.MATCHED, "dest": S.WAITING},
    # Declined without a valid reason: the priority lapses until HVH reinstates.
    {"trigger": "refuse_offer", "source": S.MATCHED, "dest": S.OFFER_REFUSED},
    {"trigger": "house", "source": S.OFFER_ACCEPTED, "dest": S.HOUSED},
    # Not once retention erased the client: matching needs the fields it erased.
    {"trigger": "reinstate", "source": S.OFFER_REFUSED, "dest": S.WAITING,
     "conditions": "not_erased"},
    {"trigger": "hold", "source": S.WAITING, "dest": S.ON_HOLD},
    {"trigger": "resume", "source": S.ON_HOLD, "dest": S.WAITING},
    {
        "trigger": "withdraw",
        "source": [
            S.REGISTERED, S.WAITING, S.ON_HOLD, S.PROPOSED, S.MATCHED, S.OFFER_ACCEPTED,
            S.OFFER_REFUSED,
        ],
        "dest": S.WITHDRAWN,
    },
    # The institution dwelling the client lives in is flipped to a regular lease in the
    # client's name (services.leases.register_institution_flip): housed where it lives,
    # without a round; not while a round or an accepted offer is under way.
    {"trigger": "house_in_place",
     "source": [S.REGISTERED, S.WAITING, S.ON_HOLD, S.OFFER_REFUSED], "dest": S.HOUSED,
     "after": "housed_in_place"},
]


class ClientAdapter(Adapter):
    row: Client

    def not_erased(self, _event: EventData) -> bool:
        return self.row.erased_at is None

    def start_waiting(self, event: EventData) -> None:
        """Start the waiting clock at approval, or at the referral's date when HVH says so."""
        since = event.kwargs.get("waiting_since")
        self.row.waiting_since = since or local_date(event.kwargs["now"])


    def housed_in_place(self, event: EventData) -> None:
        """A client housed in place before it was ever approved did not wait in the queue:
        its wait starts and ends on the day of the flip (`on`)."""
        if self.row.waiting_since is None:
            self.row.waiting_since = event.kwargs.get("on") or local_date(event.kwargs["now"])


def record_change(row: Client, *, actor: Any, trigger: str, fields: list[str] | None) -> None:
    """Write a change of the client record to the access log (NEN 7513): every state change
    passes through this machine, whichever service makes it, so it is recorded here once."""
    session = object_session(row)
    assert session is not None and row.id is not None  # fire() has flushed the row
    record_client_access(
        session, actor=actor, client_ids=[row.id],
        action="create" if trigger == "create" else "change", purpose=f"client {trigger}",
        fields=fields,
    )


MACHINE = build_machine([s.value for s in S], TRANSITIONS)
WORKFLOW = Workflow("client", MACHINE, ClientAdapter, ClientEvent, "client_id",
                    on_change=record_change, unlisted=frozenset({"house_in_place"}))
register(Client, WORKFLOW)
