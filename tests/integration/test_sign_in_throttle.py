"""The brake on guessing passwords: growing waits instead of a lock-out of the owner, a count
that racing guesses cannot outrun, and an address's failures that are its own."""

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session

from matching.db import get_engine
from matching.services import users as users_service
from matching.services.reference import load_reference
from matching.services.sessions import SignInRefused, sign_in
from matching.services.throttle import (
    FREE_ATTEMPTS_PER_ADDRESS,
    FREE_ATTEMPTS_PER_EMAIL,
    MAX_DELAY,
)
from tests.factories import make_user
from tests.races import race

NOW = datetime(2026, 1, 13, 9, 0, tzinfo=UTC)
RIGHT = "correct horse battery"
WRONG = "wrong password!"
HOME = "192.0.2.1"


class CountingHasher(PasswordHasher):
    """The tests' cheap argon2, counting every password check (real or throw-away)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=64, parallelism=1)
        self._lock = threading.Lock()
        self.checks = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
        with self._lock:
            self.checks += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(users_service, "_hasher", counting)
    users_service._throwaway_hash.cache_clear()
    return counting


def _refusal(session: Session, email: str, password: str = WRONG, *,
             address: str = HOME, now: datetime = NOW) -> SignInRefused:
    with pytest.raises(SignInRefused) as refused:
        sign_in(session, email=email, password=password, remote_addr=address, now=now)
    return refused.value


def test_after_five_wrong_guesses_the_owner_waits_seconds_and_then_signs_in(reference):
    user = make_user(reference, "Lister", "care_provider")
    for _ in range(FREE_ATTEMPTS_PER_EMAIL):
        assert _refusal(reference, user.email).reason == "invalid"
    waiting = _refusal(reference, user.email, RIGHT, now=NOW + timedelta(milliseconds=10))
    assert waiting.reason == "throttled"
    assert 0 < waiting.retry_after <= 2  # seconds, not a quarter of an hour
    later = NOW + timedelta(seconds=waiting.retry_after)
    signed_in, _session_id = sign_in(reference, email=user.email, password=RIGHT,
                                     remote_addr=HOME, now=later)
    assert signed_in.id == user.id


def test_the_wait_grows_with_every_further_failure_up_to_a_ceiling(reference):
    user = make_user(reference, "Lister", "care_provider")
    moment = NOW
    for _ in range(FREE_ATTEMPTS_PER_EMAIL):
        _refusal(reference, user.email, now=moment)
    waits = []
    for _ in range(14):
        waiting = _refusal(reference, user.email, now=moment)
        assert waiting.reason == "throttled"
        waits.append(waiting.retry_after)
        moment += timedelta(seconds=waiting.retry_after)
        assert _refusal(reference, user.email, now=moment).reason == "invalid"
    assert waits[:4] == sorted(set(waits[:4]))  # strictly growing at first
    assert max(waits) == MAX_DELAY.total_seconds() == waits[-1]


def test_a_guesser_as_fast_as_allowed_checks_fewer_than_100_passwords_an_hour(reference,
                                                                           hasher):
    # ASVS 4.0.3 2.2.1: no more than 100 failed attempts an hour on one account.
    user = make_user(reference, "Lister", "care_provider")
    hasher.checks = 0
    moment, failures = NOW, 0
    while moment < NOW + timedelta(hours=1):
        refused = _refusal(reference, user.email, address=f"192.0.2.{failures % 250 + 1}",
                           now=moment)
        if refused.reason == "throttled":
            moment += timedelta(seconds=refused.retry_after)
        else:
            failures += 1
    assert failures == hasher.checks
    assert 20 <= failures < 100


def test_a_wait_answers_without_checking_the_password(reference, hasher):
    user = make_user(reference, "Lister", "care_provider")
    for _ in range(FREE_ATTEMPTS_PER_EMAIL):
        _refusal(reference, user.email)
    checks = hasher.checks
    assert _refusal(reference, user.email, RIGHT).reason == "throttled"
    assert hasher.checks == checks


def test_the_owner_signing_in_clears_the_count_of_the_account(reference):
    user = make_user(reference, "Lister", "care_provider")
    for _ in range(FREE_ATTEMPTS_PER_EMAIL - 1):
        _refusal(reference, user.email)
    sign_in(reference, email=user.email, password=RIGHT, remote_addr=HOME, now=NOW)
    for _ in range(FREE_ATTEMPTS_PER_EMAIL):
        assert _refusal(reference, user.email).reason == "invalid"


def test_a_quiet_quarter_of_an_hour_starts_the_count_afresh(reference):
    user = make_user(reference, "Lister", "care_provider")
    for _ in range(FREE_ATTEMPTS_PER_EMAIL):
        _refusal(reference, user.email)
    assert _refusal(reference, user.email).reason == "throttled"
    later = NOW + timedelta(minutes=16)
    for _ in range(FREE_ATTEMPTS_PER_EMAIL):
        assert _refusal(reference, user.email, now=later).reason == "invalid"


def test_an_unknown_e_mail_is_slowed_down_alike_so_the_answer_tells_no_account(reference):
    for _ in range(FREE_ATTEMPTS_PER_EMAIL):
        assert _refusal(reference, "nobody@example.org").reason == "invalid"
    assert _refusal(reference, "NOBODY@example.org ").reason == "throttled"


def test_one_address_guessing_many_accounts_waits_while_another_address_signs_in(reference):
    user = make_user(reference, "Lister", "care_provider")
    for number in range(FREE_ATTEMPTS_PER_ADDRESS):
        assert _refusal(reference, f"guess{number}@example.org", address="203.0.113.7").reason \
            == "invalid"
    assert _refusal(reference, "guess-more@example.org", address="203.0.113.7").reason \
        == "throttled"
    signed_in, _session_id = sign_in(reference, email=user.email, password=RIGHT,
                                     remote_addr="198.51.100.9", now=NOW)
    assert signed_in.id == user.id


def test_many_colleagues_signing_in_from_one_office_address_are_never_slowed_down(reference):
    colleagues = [make_user(reference, "Lister", "care_provider") for _ in range(3)]
    for colleague in itertools.islice(itertools.cycle(colleagues),
                                      FREE_ATTEMPTS_PER_ADDRESS * 2):
        sign_in(reference, email=colleague.email, password=RIGHT, remote_addr=HOME, now=NOW)
    # One typo after forty good sign-ins is an ordinary failure, not a wait.
    assert _refusal(reference, colleagues[0].email).reason == "invalid"


def test_forty_simultaneous_guesses_run_at_most_the_allowed_password_checks(database_url, hasher):
    with Session(get_engine(database_url), expire_on_commit=False) as session:
        load_reference(session)
        user = make_user(session, "Lister", "care_provider")
    hasher.checks = 0

    def guess() -> object:
        with Session(get_engine(database_url), expire_on_commit=False) as session:
            return sign_in(session, email=user.email, password=WRONG, remote_addr=HOME, now=NOW)

    outcomes = race(*([guess] * 40), allowed=(SignInRefused,), timeout=60)
    assert len(outcomes) == 40
    reasons = sorted(outcome.reason for outcome in outcomes)  # type: ignore[attr-defined]
    assert reasons.count("invalid") == FREE_ATTEMPTS_PER_EMAIL
    assert reasons.count("throttled") == 40 - FREE_ATTEMPTS_PER_EMAIL
    assert hasher.checks == FREE_ATTEMPTS_PER_EMAIL
