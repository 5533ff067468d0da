"""Answers that show clients: each one is written to the access log, and the clients it
showed are kept with a stored Idempotency-Key answer, whose replay shows them again."""

from collections.abc import Iterable

from flask import g
from sqlmodel import Session

from matching.services.clients import log_client_reads
from matching.services.unit_of_work import commit
from matching.web.api.auth import api_actor

_SHOWN = "shown_client_ids"


def log_shown_clients(session: Session, client_ids: Iterable[int | None], purpose: str) -> None:
    """Write the clients this answer shows to the access log, and remember them for the
    request's stored answer."""
    ids = sorted({i for i in client_ids if i})
    if not ids:
        return
    log_client_reads(session, actor=api_actor(), client_ids=ids, purpose=purpose)
    commit(session)
    setattr(g, _SHOWN, sorted({*g.get(_SHOWN, []), *ids}))


def shown_client_ids() -> list[int]:
    """The clients the answers of this request have shown so far."""
    return list(g.get(_SHOWN, []))
