"""Fixtures for the API tests: an application on a fresh database, a user and a bearer token
per role, a client that sends the token, and a `world` that sets up workflow states through
the services (the API itself is what the tests exercise)."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from matching.models import Client, Dwelling, Lease, Proposal, User
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from matching.services.users import create_api_token
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.conftest import application_on
from tests.factories import ClientData, DwellingData, make_user

# One organisation per role, and a second corporation and care provider for the
# "another organisation's object is a 404" tests.
ROLE_ORGANISATIONS = {
    "corporation": "Mitros",
    "other_corporation": "Portaal",
    "matcher": "Het Vierde Huis",
    "care_provider": "Lister",
    "other_care_provider": "De Tussenvoorziening",
    "analyst": "Gemeente Utrecht",
    "admin": "Het Vierde Huis",
}
ROLES = ("corporation", "matcher", "care_provider", "analyst", "admin")


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """A factory's dictionary as a client would send it (dates as YYYY-MM-DD)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


def dwelling_body(**overrides: Any) -> dict[str, Any]:
    return jsonable(DwellingData(**overrides))


def client_body(**overrides: Any) -> dict[str, Any]:
    return jsonable(ClientData(**overrides))


@pytest.fixture
def app(reference: Session, database_url: str) -> Iterator[Flask]:
    yield from application_on(database_url)


@pytest.fixture
def users(reference: Session) -> dict[str, User]:
    """One user per role (plus users of a second corporation and care provider)."""
    return {
        key: make_user(reference, organisation, key.removeprefix("other_"))
        for key, organisation in ROLE_ORGANISATIONS.items()
    }


@pytest.fixture
def tokens(reference: Session, users: dict[str, User]) -> dict[str, str]:
    return {key: create_api_token(reference, user=user) for key, user in users.items()}


class Api:
    """A test client that sends the bearer token of the role named in `as_`."""

    def __init__(self, client: FlaskClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def headers(self, as_: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if as_ is not None:
            headers["Authorization"] = f"Bearer {self.tokens[as_]}"
        return headers

    def get(self, path: str, *, as_: str | None, headers: dict[str, str] | None = None,
            **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.headers(as_, headers), **kwargs)

    def post(self, path: str, body: Any = None, *, as_: str | None,
             headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        if body is not None:
            kwargs["json"] = body
        return self.client.post(path, headers=self.headers(as_, headers), **kwargs)

    def put(self, path: str, body: Any = None, *, as_: str | None,
            headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        if body is not None:
            kwargs["json"] = body
        return self.client.put(path, headers=self.headers(as_, headers), **kwargs)


@pytest.fixture
def api(app: Flask, tokens: dict[str, str]) -> Api:
    return Api(app.test_client(), tokens)


class World:
    """Workflow states set up through the services, as the users of each role."""

    def __init__(self, session: Session, users: dict[str, User]) -> None:
        self.session = session
        self.users = users

    def dwelling(self, *, owner: str = "corporation", submit: bool = True,
                 **overrides: Any) -> Dwelling:
        dwelling = create_dwelling(self.session, data=DwellingData(**overrides),
                                   actor=self.users[owner])
        if submit:
            submit_dwelling(self.session, dwelling_id=dwelling.id, actor=self.users[owner])
        return dwelling

    def client(self, *, provider: str = "care_provider", approve: bool = True,
               **overrides: Any) -> Client:
        client = register_client(self.session, data=ClientData(**overrides),
                                 actor=self.users[provider])
        if approve:
            approve_client(self.session, client_id=client.id, actor=self.users["matcher"],
                           waiting_since=date(2019, 7, 1))
        return client

    def round(self, dwelling: Dwelling, clients: list[Client]) -> Proposal:
        return propose_candidates(self.session, dwelling_id=dwelling.id,
                                  client_ids=[c.id for c in clients], actor=self.users["matcher"],
                                  motivation="chosen by hand in a test")

    def matched(self, *, owner: str = "corporation") -> tuple[Dwelling, Client]:
        dwelling = self.dwelling(owner=owner)
        client = self.client()
        proposal = self.round(dwelling, [client])
        decide_candidate(self.session, proposal_id=proposal.id, client_id=client.id,
                         decision="accept", actor=self.users[owner])
        return dwelling, client

    def offer_accepted(self, *, owner: str = "corporation") -> tuple[Dwelling, Client]:
        dwelling, client = self.matched(owner=owner)
        record_offer_answer(self.session, dwelling_id=dwelling.id, answer="accepted",
                            actor=self.users["matcher"])
        return dwelling, client

    def lease(self, *, owner: str = "corporation", lease_type: str = "flip",
              due: bool = False) -> Lease:
        """A lease; `due` lets it start two years ago and ticks, so its review is due."""
        dwelling, _client = self.offer_accepted(owner=owner)
        today = local_date(utcnow())
        start = today - timedelta(days=730) if due else today
        lease = let_dwelling(self.session, dwelling_id=dwelling.id, lease_start=start,
                             lease_type=lease_type, actor=self.users[owner])
        if due:
            run_tick(self.session, now=utcnow())
            self.session.refresh(lease)
        return lease


@pytest.fixture
def world(reference: Session, users: dict[str, User]) -> Iterator[World]:
    yield World(reference, users)


def error_of(response: Any) -> dict[str, Any]:
    """The error object of an envelope answer, after checking the envelope's shape."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    error: dict[str, Any] = body["error"]
    return error
