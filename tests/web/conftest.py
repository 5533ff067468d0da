"""Fixtures for the web tests: an application on a fresh database, users of every role, and
signing in through the real sign-in form (CSRF included)."""

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from matching.models import User
from tests.conftest import application_on
from tests.factories import make_user
from tests.second_factor import enrol, fresh_code

PASSWORD = "correct horse battery"

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


@pytest.fixture
def app(reference: Session, database_url: str) -> Iterator[Flask]:
    yield from application_on(database_url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def users(reference: Session) -> dict[str, User]:
    """One user per role (plus users of a second corporation and care provider)."""
    made = {}
    for key, organisation in ROLE_ORGANISATIONS.items():
        role = key.removeprefix("other_")
        made[key] = make_user(reference, organisation, role)
    enrol(reference, made["admin"])  # administrators sign in with a second factor
    return made


def csrf_token(client: FlaskClient, path: str) -> str:
    """Fetch `path` and read the CSRF token out of its form."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Sign in through the form, typing the app's code too when the password asks for it."""
    token = csrf_token(client, "/aanmelden")
    response = client.post(
        "/aanmelden", data={"email": user.email, "password": password, "csrf_token": token}
    )
    if response.status_code == 302 and response.headers["Location"] == "/aanmelden/code":
        response = client.post("/aanmelden/code", data={
            "code": fresh_code(user), "csrf_token": csrf_token(client, "/aanmelden/code")})
    return response


@pytest.fixture
def signed_in(app: Flask, users: dict[str, User]) -> Callable[[str], FlaskClient]:
    """`signed_in("matcher")` gives a fresh test client signed in as that role's user."""

    def make(key: str) -> FlaskClient:
        client = app.test_client()
        response = sign_in(client, users[key])
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make
