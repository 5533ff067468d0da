"""The objects the route-access sweep asks for: one of every kind a route's address can name,
each in a state in which its owner could act on it, all owned by organisations that none of
the asking users belongs to (Mitros's dwellings, Lister's clients, Jellinek's accounts)."""

from datetime import date
from itertools import count

from sqlmodel import Session, col, select

from matching.models import (
    ApiToken,
    Client,
    Dwelling,
    Notification,
    Organisation,
    ReasonCode,
    User,
    YearParameter,
)
from matching.services.clients import approve_client, hold_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.users import create_api_token, create_user
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.factories import ClientData, DwellingData
from tests.web.conftest import PASSWORD

# An organisation of no asking user: the administrator's routes act on it and its users, so
# deactivating them locks nobody of the sweep out.
OUTSIDER_ORGANISATION = "Jellinek"

Params = dict[str, int | str]


class Objects:
    """Path parameters per kind of object, the texts only those objects' pages show, and a
    fresh object of a kind on demand (a request that changed one leaves the next a new one)."""

    KINDS = ("dwelling_draft", "dwelling_submitted", "dwelling_offered", "dwelling_accepted",
             "proposal", "client_registered", "client_waiting", "client_on_hold",
             "client_refused", "lease", "notification", "token", "user", "user_token",
             "organisation", "reason_code", "year_parameter")

    def __init__(self, session: Session, users: dict[str, User]) -> None:
        self.session = session
        self.mitros, self.lister = users["corporation"], users["care_provider"]
        self.matcher = users["matcher"]
        self.today: date = local_date(utcnow())
        self.numbers = count(1)
        self.secrets: list[str] = []
        self.candidates: dict[int, int] = {}  # a client in each round, by the round's id
        self.spare_client_id = self._client().id  # waiting, for a proposal
        self.outsider_organisation_id = session.exec(select(Organisation.id).where(
            Organisation.name == OUTSIDER_ORGANISATION)).one()
        self.params: dict[str, Params] = {kind: self._make(kind) for kind in self.KINDS}

    def renew(self, kind: str) -> None:
        """Replace the object of `kind` (and the spare client) by a fresh one."""
        self.params[kind] = self._make(kind)
        self.spare_client_id = self._client().id

    def _make(self, kind: str) -> Params:
        made: Params = getattr(self, f"_{kind}")()
        assert all(value is not None for value in made.values()), kind
        return made

    # --- building blocks, through the services ---

    def _client(self, *, approve: bool = True) -> Client:
        client = register_client(self.session, data=ClientData(
            reference=f"VERBORGEN-{next(self.numbers):03d}"), actor=self.lister)
        if approve:
            approve_client(self.session, client_id=client.id, actor=self.matcher)
        self.secrets.append(client.reference)
        return client

    def _dwelling(self, *, submit: bool = True, lease_type: str = "direct") -> Dwelling:
        address = f"Verborgen Hof {next(self.numbers)}, Utrecht"
        dwelling = create_dwelling(self.session, data=DwellingData(
            address=address, lease_type=lease_type), actor=self.mitros)
        if submit:
            submit_dwelling(self.session, dwelling_id=dwelling.id, actor=self.mitros)
        self.secrets.append(address)
        return dwelling

    def _matched(self, client: Client, *, lease_type: str = "direct") -> Dwelling:
        """A dwelling whose round chose `client`: the one-time offer is out."""
        dwelling = self._dwelling(lease_type=lease_type)
        proposal = propose_candidates(self.session, dwelling_id=dwelling.id, actor=self.matcher,
                                      client_ids=[client.id], motivation="toegangstest")
        decide_candidate(self.session, proposal_id=proposal.id, client_id=client.id,
                         decision="accept", actor=self.mitros)
        return dwelling

    def _accepted(self) -> Dwelling:
        dwelling = self._matched(self._client(), lease_type="flip")
        record_offer_answer(self.session, dwelling_id=dwelling.id, answer="accepted",
                            actor=self.matcher)
        return dwelling

    def _token_of(self, user: User) -> int | None:
        create_api_token(self.session, user=user)
        return self.session.exec(select(ApiToken.id).where(
            ApiToken.user_id == user.id).order_by(col(ApiToken.id).desc())).first()

    def _outsider(self) -> User:
        email = f"afgeschermd-{next(self.numbers)}@jellinek.example"
        self.secrets.append(email)
        name = self.session.exec(select(Organisation.name).where(
            Organisation.id == self.outsider_organisation_id)).one()  # renamed, perhaps
        return create_user(self.session, email=email, organisation_name=name,
                           role="care_provider", password=PASSWORD)

    # --- one object of each kind ---

    def _dwelling_draft(self) -> Params:
        return {"dwelling_id": self._dwelling(submit=False).id}

    def _dwelling_submitted(self) -> Params:
        return {"dwelling_id": self._dwelling().id}

    def _dwelling_offered(self) -> Params:
        return {"dwelling_id": self._matched(self._client()).id}

    def _dwelling_accepted(self) -> Params:
        return {"dwelling_id": self._accepted().id}

    def _proposal(self) -> Params:
        first, second = self._client(), self._client()
        proposal = propose_candidates(
            self.session, dwelling_id=self._dwelling().id, actor=self.matcher,
            client_ids=[first.id, second.id], motivation="toegangstest")
        self.candidates[proposal.id] = first.id
        return {"proposal_id": proposal.id}

    def _client_registered(self) -> Params:
        return {"client_id": self._client(approve=False).id}

    def _client_waiting(self) -> Params:
        return {"client_id": self._client().id}

    def _client_on_hold(self) -> Params:
        client = self._client()
        hold_client(self.session, client_id=client.id, actor=self.lister, reason="kliniek")
        return {"client_id": client.id}

    def _client_refused(self) -> Params:
        client = self._client()
        dwelling = self._matched(client)
        record_offer_answer(self.session, dwelling_id=dwelling.id, answer="declined",
                            valid=False, reason_code="client_declined_offer", actor=self.matcher)
        return {"client_id": client.id}

    def _lease(self) -> Params:
        lease = let_dwelling(self.session, dwelling_id=self._accepted().id, lease_type="flip",
                             lease_start=self.today, actor=self.mitros)
        assert lease.tenant_care_provider_id == self.lister.organisation_id
        return {"lease_id": lease.id}

    def _notification(self) -> Params:
        self._proposal()  # tells the corporation's users about the new round
        latest = self.session.exec(select(Notification.id).where(
            Notification.user_id == self.mitros.id).order_by(col(Notification.id).desc()))
        return {"notification_id": latest.first()}

    def _token(self) -> Params:
        return {"token_id": self._token_of(self.lister)}

    def _user(self) -> Params:
        return {"user_id": self._outsider().id}

    def _user_token(self) -> Params:
        outsider = self._outsider()
        return {"user_id": outsider.id, "token_id": self._token_of(outsider)}

    def _organisation(self) -> Params:
        return {"organisation_id": self._outsider().organisation_id}

    def _reason_code(self) -> Params:
        return {"code": self.session.exec(select(ReasonCode.code).order_by(
            ReasonCode.code)).first()}

    def _year_parameter(self) -> Params:
        parameter = self.session.exec(select(YearParameter).order_by(
            col(YearParameter.year), col(YearParameter.name))).first()
        assert parameter is not None
        return {"year": parameter.year, "name": parameter.name}
