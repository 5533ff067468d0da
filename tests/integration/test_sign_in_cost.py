"""Every failed sign-in costs one password check, so how fast the answer comes does not tell
whether an address has an account, nor whether that account is active."""

from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session

from matching.services import users as users_service
from matching.services.sessions import SignInRefused, sign_in
from tests.factories import make_user

NOW = datetime(2019, 9, 2, 10, tzinfo=UTC)
PASSWORD = "correct horse battery"  # tests.factories.make_user's


class CountingHasher(PasswordHasher):
    """The suite's cheap hasher, counting the password checks it makes."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=64, parallelism=1)
        self.checks = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
        self.checks += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(users_service, "_hasher", counting)
    return counting


def _checks_for(session: Session, hasher: CountingHasher, email: str, password: str) -> int:
    hasher.checks = 0
    with pytest.raises(SignInRefused) as refused:
        sign_in(session, email=email, password=password, remote_addr="192.0.2.7", now=NOW)
    assert refused.value.reason == "invalid"
    return hasher.checks


def test_an_unknown_address_costs_one_password_check(reference: Session, hasher: CountingHasher):
    assert _checks_for(reference, hasher, "niemand@example.org", PASSWORD) == 1


def test_a_wrong_password_costs_one_password_check(reference: Session, hasher: CountingHasher):
    user = make_user(reference, "Lister", "care_provider")
    assert _checks_for(reference, hasher, user.email, "wrong horse battery") == 1


def test_an_inactive_account_costs_one_password_check_and_is_refused_even_so(
        reference: Session, hasher: CountingHasher):
    user = make_user(reference, "Lister", "care_provider")
    user.active = False
    reference.add(user)
    reference.commit()
    # With the right password too: the answer is the same refusal, after the same work.
    assert _checks_for(reference, hasher, user.email, PASSWORD) == 1
    assert _checks_for(reference, hasher, user.email, "wrong horse battery") == 1
