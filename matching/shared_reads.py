"""Reads that several parts of one piece of work share, made once.

Closing a quarter builds its report for every reader scope (all, the municipality's, each
corporation's), and a quarter report recomputes the closed quarters before it for its
corrections: the same rows as of the same day are needed again and again, and only the
filter per reader differs. A page that shows a dwelling, its suggestions and its rounds
names the clients' target groups and care providers three times over. Inside
`shared_reads(session)` a read named by `once` is made the first time and then served from
memory; outside it every call reads afresh, so a session that changes data between two
reports never sees stale figures.

What `once` returns is shared: callers filter and count it, they never change it.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlmodel import Session

T = TypeVar("T")

_KEY = "matching.shared_reads"


@contextmanager
def shared_reads(session: Session) -> Iterator[None]:
    """Share the reads made inside this block (nested blocks share the outer one's)."""
    if _KEY in session.info:
        yield
        return
    session.info[_KEY] = {}
    try:
        yield
    finally:
        session.info.pop(_KEY, None)


def once(session: Session, key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, made once per `key` inside `shared_reads`; every time outside it."""
    cache: dict[Hashable, Any] | None = session.info.get(_KEY)
    if cache is None:
        return read()
    if key not in cache:
        cache[key] = read()
    return cache[key]


_MOMENTS = ("moments",)


def expect_moments(session: Session, moments: list[Any]) -> None:
    """Say which moments the reports of this build will read the history at, so that a read
    that can serve several moments in one pass (history.states_at) reads them all at once."""
    cache: dict[Hashable, Any] | None = session.info.get(_KEY)
    if cache is not None:
        cache[_MOMENTS] = sorted(set(cache.get(_MOMENTS, [])) | set(moments))


def expected_moments(session: Session) -> list[Any]:
    cache: dict[Hashable, Any] | None = session.info.get(_KEY)
    return list(cache.get(_MOMENTS, [])) if cache is not None else []


def remember(session: Session, key: Hashable, value: Any) -> None:
    """Keep what `once(session, key, ...)` will then return (a read that served several)."""
    cache: dict[Hashable, Any] | None = session.info.get(_KEY)
    if cache is not None:
        cache.setdefault(key, value)
