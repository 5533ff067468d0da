"""Run calls in threads released at the same moment, accounting for every thread: a thread
still running after the timeout, or one that raised anything but the allowed errors, fails
the test."""

import threading
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from matching.db import get_engine

_MISSING = object()


def race(*calls: Callable[[], Any], allowed: tuple[type[BaseException], ...] = (),
         timeout: float = 60) -> list[Any]:
    """Return each call's result (or its allowed error), in the order of `calls`."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [_MISSING] * len(calls)
    unexpected: list[tuple[int, BaseException]] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout)
            outcomes[index] = call()
        except allowed as error:
            outcomes[index] = error
        except BaseException as error:  # noqa: BLE001 (reported to the test below)
            unexpected.append((index, error))

    threads = [threading.Thread(target=run, args=(i, c), daemon=True)
               for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    running = [i for i, thread in enumerate(threads) if thread.is_alive()]
    assert not running, f"threads {running} still running after {timeout} s"
    if unexpected:
        index, error = unexpected[0]
        raise AssertionError(f"thread {index} failed: {error!r}") from error
    assert all(outcome is not _MISSING for outcome in outcomes), "a thread left no outcome"
    return outcomes


def race_in_sessions(url: str, *calls: Callable[[Session], Any],
                     allowed: tuple[type[BaseException], ...], timeout: float = 30) -> list[Any]:
    """Run each call with its own session on `url`, released at the same moment (see race)."""

    def in_a_session(call: Callable[[Session], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with Session(get_engine(url), expire_on_commit=False) as session:
                return call(session)
        return run

    return race(*(in_a_session(c) for c in calls), allowed=allowed, timeout=timeout)
