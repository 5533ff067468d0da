"""Idempotency-Key on POST and PUT: a repeated request gets the first answer, no second effect.

The key is reserved (a row with status 0) and committed before the operation runs, so two
copies racing each other cannot both act: the loser sees the reservation and gets a 409.
Only successful (2xx) answers are kept. A refused request (4xx) changed nothing, so
replaying it would only stop a client from retrying after fixing the cause (a stale
version, a refused state); its reservation is removed. So is the reservation of a server
failure (5xx) that certainly rolled back: no commit was begun after the reservation's own.
The reservation stays when nobody can tell whether the effect happened: the process died,
the server failed after a commit had begun, or the answer could not be stored. Then the key
answers 409 (until the reservation times out, below), and the client looks at the object
and sends a new key.

Nothing is kept for ever. A stored answer is replayed for 24 hours; after that the key is
handled as new (and `tick` deletes the answer: it may hold a whole client record). A
reservation without an answer after RESERVATION_TIMEOUT belongs to a request that died (a
crashed worker): the next request with the key takes it over. A replay shows the clients of
the stored answer again, so it is written to the access log like the first answer.
"""

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from flask import Response, g, request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from matching.models import IdempotentRequest
from matching.services.expiry import IDEMPOTENT_ANSWERS_KEPT
from matching.services.retry import commits_begun
from matching.vocabulary import as_utc, utcnow
from matching.web import db_session
from matching.web.api.auth import api_actor
from matching.web.api.errors import invalid
from matching.web.api.shown import log_shown_clients, shown_client_ids
from matching.web.errors import envelope

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
_IN_PROGRESS = 0
# Far longer than any request runs: a reservation this old has no request behind it.
RESERVATION_TIMEOUT = timedelta(minutes=10)


def _fingerprint() -> str:
    """Hash the request: method, path and body (JSON compared by value, not by spelling)."""
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")) if raw else ""
    except ValueError:
        body = raw.decode("utf-8", "replace")
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(row: IdempotentRequest) -> Response:
    log_shown_clients(db_session(), row.client_ids or [],
                      f"API: replayed answer to {row.method} {row.path}")
    return Response(row.response_body, status=row.status_code, mimetype="application/json",
                    headers={"Idempotent-Replayed": "true"})


def _lifetime(row: IdempotentRequest) -> timedelta:
    return RESERVATION_TIMEOUT if row.status_code == _IN_PROGRESS else IDEMPOTENT_ANSWERS_KEPT


def _free_if_dead(session: Session, row: IdempotentRequest, now: datetime) -> bool:
    """Delete an answer past its day, or a reservation whose request died, in the open
    transaction; True when the key is free for this request (once it commits)."""
    if now - as_utc(row.created_at) <= _lifetime(row):
        return False
    # Only while it is still the row that was read and still too old: a second request that
    # found it too deletes nothing, and then loses on the key's unique constraint.
    session.expunge(row)
    session.execute(delete(IdempotentRequest).where(
        col(IdempotentRequest.id) == row.id,
        col(IdempotentRequest.status_code) == row.status_code,
        col(IdempotentRequest.created_at) < now - _lifetime(row),
    ).execution_options(synchronize_session=False))
    return True


def begin() -> Any:
    """Replay a finished request with this key, or reserve the key for this one."""
    key = request.headers.get(HEADER)
    if request.method not in ("POST", "PUT") or key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        return invalid({HEADER: f"use 1 to {MAX_KEY_LENGTH} characters"})
    session = db_session()
    user_id = api_actor().id
    assert user_id is not None
    fingerprint = _fingerprint()
    row = session.exec(select(IdempotentRequest).where(
        IdempotentRequest.user_id == user_id, IdempotentRequest.key == key)).first()
    if row is not None and _free_if_dead(session, row, utcnow()):
        row = None
    if row is None:
        row = IdempotentRequest(user_id=user_id, key=key, method=request.method,
                                path=request.path[:300], body_hash=fingerprint,
                                status_code=_IN_PROGRESS, response_body="")
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return envelope(409, "a request with this Idempotency-Key is being processed",
                            code="idempotency_key_in_use")
        g.idempotent_request_id = row.id
        g.idempotent_commits = commits_begun()  # after the reservation's own commit
        g.idempotent_reserved_at = as_utc(row.created_at)
        return None
    if row.body_hash != fingerprint:
        return invalid({HEADER: "was used before for another request"},
                       "Idempotency-Key reused")
    if row.status_code == _IN_PROGRESS:
        return envelope(409, "a request with this Idempotency-Key is being processed",
                        code="idempotency_key_in_use")
    return _replay(row)


def finish(response: Response) -> Response:
    """Keep a successful answer for replays; release the key of a refused request, and of a
    failed one that certainly saved nothing."""
    row_id = g.pop("idempotent_request_id", None)
    if row_id is None or (response.status_code >= 500 and not _certainly_undone()):
        return response
    session = db_session()
    try:
        _settle(session, row_id, response)
    except SQLAlchemyError:
        # The operation's own commit has happened; its answer still goes to the client,
        # and the key stays reserved (409) rather than letting a retry act twice.
        session.rollback()
        log.exception("could not store the answer for Idempotency-Key row %s", row_id)
    return response


def _certainly_undone() -> bool:
    """Whether this request began no commit after reserving its key (in any session or
    connection of this thread): then everything it did was rolled back."""
    return commits_begun() == g.pop("idempotent_commits", None)


def _settle(session: Session, row_id: int, response: Response) -> None:
    session.rollback()  # whatever the operation left open is not ours to commit
    row = session.get(IdempotentRequest, row_id)
    if row is None or not _still_reserved_by_this_request(row):
        return  # a later request took the key over after the timeout: the key is its now
    if 200 <= response.status_code < 300:
        row.status_code = response.status_code
        row.response_body = response.get_data(as_text=True)
        row.client_ids = shown_client_ids()
    else:
        session.delete(row)
    session.commit()


def _still_reserved_by_this_request(row: IdempotentRequest) -> bool:
    """Whether the row is still the reservation this request made (same moment, no answer)."""
    return (row.status_code == _IN_PROGRESS
            and as_utc(row.created_at) == g.get("idempotent_reserved_at"))
