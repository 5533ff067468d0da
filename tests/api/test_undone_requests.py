"""A request the database undid answers 409, not 500, and frees its Idempotency-Key: nothing
was saved, so the same key may be sent again."""

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from matching.models import Dwelling
from matching.services import retry
from tests.api.conftest import dwelling_body, error_of

KEY = {"Idempotency-Key": "create-once"}


class _Deadlock(Exception):
    sqlstate = "40P01"


def count_dwellings(session: Session) -> int:
    session.expire_all()
    return len(session.exec(select(Dwelling)).all())


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "pause", lambda attempt: None)


def test_a_deadlock_on_every_attempt_answers_409_and_frees_the_key(api, reference,
                                                                  monkeypatch):
    attempts: list[int] = []

    def deadlocked(*args, **kwargs):
        attempts.append(1)
        raise OperationalError("INSERT INTO dwelling ...", {}, _Deadlock("deadlock detected"))

    body = dwelling_body()
    with monkeypatch.context() as patch:
        patch.setattr("matching.services.dwellings.add_dwelling", deadlocked)
        busy = api.post("/api/v1/dwellings", body, as_="corporation", headers=KEY)
    assert busy.status_code == 409
    assert "nothing was saved" in error_of(busy)["message"]
    assert len(attempts) == retry.ATTEMPTS
    again = api.post("/api/v1/dwellings", body, as_="corporation", headers=KEY)
    assert again.status_code == 201
    assert count_dwellings(reference) == 1


def test_a_deadlock_once_is_overcome_within_the_same_request(api, reference, monkeypatch):
    from matching.services import dwellings

    real = dwellings.add_dwelling
    failures = [OperationalError("INSERT ...", {}, _Deadlock("deadlock detected"))]

    def deadlocked_once(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(dwellings, "add_dwelling", deadlocked_once)
    created = api.post("/api/v1/dwellings", dwelling_body(), as_="corporation", headers=KEY)
    assert created.status_code == 201
    assert count_dwellings(reference) == 1


def test_a_server_failure_before_anything_was_saved_frees_the_key(api, app, reference,
                                                                  monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("a bug before the commit")

    body = dwelling_body()
    with monkeypatch.context() as patch:
        patch.setattr("matching.services.dwellings.add_dwelling", broken)
        failed = api.post("/api/v1/dwellings", body, as_="corporation", headers=KEY)
    assert failed.status_code == 500
    assert count_dwellings(reference) == 0
    retried = api.post("/api/v1/dwellings", body, as_="corporation", headers=KEY)
    assert retried.status_code == 201
    assert retried.headers.get("Idempotent-Replayed") is None
    assert count_dwellings(reference) == 1
