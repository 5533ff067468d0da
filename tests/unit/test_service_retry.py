"""A service the database undoes for a deadlock runs again from the start, a bounded number of
times, and never after it committed."""

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, create_engine

from matching.services import retry
from matching.services.errors import Conflict
from matching.services.unit_of_work import service


class _DatabaseError(Exception):
    """What psycopg raises, as far as the retry looks at it: the SQLSTATE."""

    def __init__(self, sqlstate: str, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


DEADLOCK = ("40P01", "deadlock detected")
SERIALIZATION = ("40001", "could not serialize access due to concurrent update")


def aborted(sqlstate: str, message: str) -> OperationalError:
    return OperationalError("UPDATE client SET state=...", {}, _DatabaseError(sqlstate, message))


@pytest.fixture
def session() -> Iterator[Session]:
    with Session(create_engine("sqlite://")) as session:
        yield session


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The attempts after which the retry paused, instead of sleeping."""
    seen: list[int] = []
    monkeypatch.setattr(retry, "pause", seen.append)
    return seen


def failing(times: int, error: Exception) -> tuple[list[int], Callable[[Session], str]]:
    """A service that raises `error` on its first `times` runs, then answers "done"."""
    runs: list[int] = []

    @service
    def work(session: Session) -> str:
        runs.append(len(runs) + 1)
        session.execute(text("SELECT 1"))  # opens a transaction, as a real service does
        if len(runs) <= times:
            raise error
        return "done"

    return runs, work


@pytest.mark.parametrize("failure", [DEADLOCK, SERIALIZATION], ids=["deadlock", "serialization"])
def test_a_service_undone_twice_runs_a_third_time_and_answers(session, pauses, failure):
    runs, work = failing(2, aborted(*failure))
    assert work(session) == "done"
    assert runs == [1, 2, 3]
    assert pauses == [1, 2]  # a pause before each new attempt, longer the second time


def test_a_service_undone_every_time_is_refused_as_conflict_after_three_attempts(
        session, pauses):
    runs, work = failing(99, aborted(*DEADLOCK))
    with pytest.raises(Conflict, match="nothing was saved, please try again") as refused:
        work(session)
    assert runs == [1, 2, 3] and retry.ATTEMPTS == 3
    assert isinstance(refused.value.__cause__, OperationalError)
    assert not session.in_transaction()  # every attempt was rolled back


def test_sqlite_busy_past_its_timeout_is_retried_too(session, pauses):
    busy = OperationalError("INSERT ...", {}, Exception("database is locked"))
    runs, work = failing(1, busy)
    assert work(session) == "done"
    assert runs == [1, 2]


@pytest.mark.parametrize("error", [
    ValueError("a bug"),
    OperationalError("SELECT", {}, _DatabaseError("57014", "canceling statement")),
    IntegrityError("INSERT", {}, _DatabaseError("23505", "duplicate key")),
], ids=["bug", "other database error", "unique index"])
def test_other_failures_are_not_retried(session, pauses, error):
    runs, work = failing(1, error)
    with pytest.raises((type(error), Conflict)):
        work(session)
    assert runs == [1] and pauses == []


def test_a_service_that_committed_before_it_was_undone_is_not_run_again(session, pauses):
    runs: list[int] = []

    @service
    def commits_then_deadlocks(session: Session) -> None:
        runs.append(1)
        session.execute(text("SELECT 1"))
        session.commit()  # a first part is saved: running it all again could do it twice
        raise aborted(*DEADLOCK)

    with pytest.raises(OperationalError):
        commits_then_deadlocks(session)
    assert runs == [1] and pauses == []


def test_a_service_called_by_another_is_retried_as_part_of_the_outer_one(session, pauses):
    calls: list[str] = []
    inner_failures = [aborted(*DEADLOCK)]

    @service
    def inner(session: Session) -> None:
        calls.append("inner")
        session.execute(text("SELECT 1"))
        if inner_failures:
            raise inner_failures.pop()

    @service
    def outer(session: Session) -> str:
        calls.append("outer")
        inner(session)
        return "done"

    assert outer(session) == "done"
    # The outer service ran again from its start, not only the inner part of it.
    assert calls == ["outer", "inner", "outer", "inner"]
