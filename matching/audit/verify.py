"""Checking the whole access log against its hash chain (`matching audit verify`)."""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from matching.audit.chain import CHAINED, Verdict, walk
from matching.models import AccessLog

_BATCH = 5000  # rows per fetch: the log grows by every page view, so it is streamed


def _rows(session: Session) -> Iterator[dict[str, Any]]:
    columns = [col(getattr(AccessLog, name)) for name in ("id", *CHAINED, "row_hash")]
    result = session.execute(
        select(*columns).order_by(col(AccessLog.seq)).execution_options(yield_per=_BATCH)
    )
    for row in result:
        yield dict(row._mapping)


def verify_access_log(session: Session) -> Verdict:
    """Walk the log in chain order and return how far it holds, naming the first broken row."""
    return walk(_rows(session))
