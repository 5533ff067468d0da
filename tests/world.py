"""A world for service tests: reference data, users per organisation, a clock, and
shortcuts that build objects in a given state through the services."""

from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from itertools import count
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from matching.models import Client, Dwelling, Lease, Organisation, Proposal, User
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from tests.factories import ClientData, DwellingData

_emails = count(1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


START = at(date(2019, 7, 1))
LEASE_START = date(2019, 9, 1)

# --- the world: users per organisation and helpers that build objects through the services ---


class World:
    """The reference data plus users, and shortcuts to objects in a given state."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = START

    def tick(self, days: int = 1) -> datetime:
        """Move the clock on and return the new moment."""
        self.now += timedelta(days=days)
        return self.now

    def user(self, organisation: str, role: str) -> User:
        # Users straight into the table: the services need no password, and argon2 is slow.
        org = self.session.exec(select(Organisation).where(Organisation.name == organisation))
        user = User(email=f"services{next(_emails)}@example.org", organisation_id=org.one().id,
                    role=role)
        self.session.add(user)
        self.session.commit()
        return user

    @cached_property
    def portaal(self) -> User:
        return self.user("Portaal", "corporation")

    @cached_property
    def mitros(self) -> User:
        return self.user("Mitros", "corporation")

    @cached_property
    def matcher(self) -> User:
        return self.user("Het Vierde Huis", "matcher")

    @cached_property
    def lister(self) -> User:
        return self.user("Lister", "care_provider")

    @cached_property
    def tussen(self) -> User:
        return self.user("De Tussenvoorziening", "care_provider")

    @cached_property
    def analyst(self) -> User:
        return self.user("Gemeente Utrecht", "analyst")

    @cached_property
    def admin(self) -> User:
        return self.user("Het Vierde Huis", "admin")

    def as_role(self, role: str) -> User:
        return {
            "corporation": self.portaal, "matcher": self.matcher, "care_provider": self.lister,
            "analyst": self.analyst, "admin": self.admin,
        }[role]

    # clients

    def registered(self, provider: User | None = None, **data: Any) -> Client:
        return register_client(self.session, data=ClientData(**data),
                               actor=provider or self.lister, now=self.tick())

    def waiting(self, provider: User | None = None, **data: Any) -> Client:
        client = self.registered(provider, **data)
        return approve_client(self.session, client_id=client.id, actor=self.matcher,
                              now=self.tick())

    # dwellings and rounds

    def draft(self, corporation: User | None = None, **data: Any) -> Dwelling:
        return create_dwelling(self.session, data=DwellingData(**data),
                               actor=corporation or self.portaal, now=self.tick())

    def submitted(self, corporation: User | None = None, **data: Any) -> Dwelling:
        dwelling = self.draft(corporation, **data)
        return submit_dwelling(self.session, dwelling_id=dwelling.id,
                               actor=corporation or self.portaal, now=self.tick())

    def owner(self, dwelling: Dwelling) -> User:
        return self.mitros if dwelling.corporation_id == self.mitros.organisation_id else (
            self.portaal)

    def propose(self, dwelling: Dwelling, clients: list[Client]) -> Proposal:
        return propose_candidates(self.session, dwelling_id=dwelling.id,
                                  client_ids=[c.id for c in clients], actor=self.matcher,
                                  now=self.tick())

    def decide(self, proposal: Proposal, client: Client, decision: str, **kwargs: Any) -> Proposal:
        dwelling = self.session.get(Dwelling, proposal.dwelling_id)
        assert dwelling is not None
        return decide_candidate(self.session, proposal_id=proposal.id, client_id=client.id,
                                decision=decision, actor=self.owner(dwelling), now=self.tick(),
                                **kwargs)

    def reject(self, proposal: Proposal, client: Client, reason: str = "size_mismatch") -> None:
        self.decide(proposal, client, "reject", reason_code=reason)

    def matched(self, dwelling: Dwelling | None = None, client: Client | None = None
                ) -> tuple[Dwelling, Client]:
        dwelling = dwelling or self.submitted()
        client = client or self.waiting()
        proposal = self.propose(dwelling, [client])
        self.decide(proposal, client, "accept")
        return dwelling, client

    def answer(self, dwelling: Dwelling, answer: str, **kwargs: Any) -> Dwelling:
        return record_offer_answer(self.session, dwelling_id=dwelling.id, answer=answer,
                                   actor=self.matcher, now=self.tick(), **kwargs)

    def offer_accepted(self, **client_data: Any) -> tuple[Dwelling, Client]:
        dwelling, client = self.matched(client=self.waiting(**client_data))
        self.answer(dwelling, "accepted")
        return dwelling, client

    def refused(self) -> Client:
        dwelling, client = self.matched()
        self.answer(dwelling, "declined", reason_code="client_declined_offer", valid=False)
        return client

    def let(self, lease_type: str, start: date = LEASE_START) -> Lease:
        dwelling, _client = self.offer_accepted()
        return let_dwelling(self.session, dwelling_id=dwelling.id, lease_start=start,
                            lease_type=lease_type, actor=self.portaal, now=self.tick())

    def due_flip(self) -> Lease:
        lease = self.let("flip")
        run_tick(self.session, now=at(lease.review_on - relativedelta(months=3)))
        lease = self.fresh(Lease, lease.id)
        assert lease.state == "review_due"
        return lease

    def fresh(self, model: type, object_id: Any) -> Any:
        row = self.session.get(model, object_id, populate_existing=True)
        assert row is not None
        return row


