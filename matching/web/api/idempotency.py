"""Idempotency-Key on POST and PUT: a repeated request gets the first answer, no second effect.

The key is reserved (a row with status 0) and committed before the operation runs, so two
copies racing each other cannot both act: the loser sees the reservation and gets a 409.
Only successful (2xx) answers are kept. A refused request (4xx) changed nothing, so
replaying it would only stop a client from retrying after fixing the cause (a stale
version, a refused state); its reservation is removed. The reservation stays when nobody
can tell whether the effect happened: the process died, the server failed (5xx, perhaps
after the operation committed), or the answer could not be stored. Then the key keeps
answering 409, and the client looks at the object and sends a new key.
"""

import hashlib
import json
import logging
from typing import Any

from flask import Response, g, request
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, select

from matching.models import IdempotentRequest
from matching.web import db_session
from matching.web.api.auth import api_actor
from matching.web.api.errors import invalid
from matching.web.errors import envelope

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
_IN_PROGRESS = 0


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
    return Response(row.response_body, status=row.status_code, mimetype="application/json",
                    headers={"Idempotent-Replayed": "true"})


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
        return None
    if row.body_hash != fingerprint:
        return invalid({HEADER: "was used before for another request"},
                       "Idempotency-Key reused")
    if row.status_code == _IN_PROGRESS:
        return envelope(409, "a request with this Idempotency-Key is being processed",
                        code="idempotency_key_in_use")
    return _replay(row)


def finish(response: Response) -> Response:
    """Keep a successful answer for replays; release the key of a refused request."""
    row_id = g.pop("idempotent_request_id", None)
    if row_id is None or response.status_code >= 500:
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


def _settle(session: Session, row_id: int, response: Response) -> None:
    session.rollback()  # whatever the operation left open is not ours to commit
    row = session.get(IdempotentRequest, row_id)
    if row is None:
        return
    if 200 <= response.status_code < 300:
        row.status_code = response.status_code
        row.response_body = response.get_data(as_text=True)
    else:
        session.delete(row)
    session.commit()
