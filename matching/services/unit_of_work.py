"""Committing a service's work once, turning database refusals into domain errors."""

from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from matching.services.errors import Conflict, NotFound

T = TypeVar("T")

# Partial unique indexes that encode workflow rules, and what to tell the user when they fire.
_CONSTRAINT_MESSAGES = {
    "uq_candidate_pending_client": "a client is already on another open round",
    "uq_candidate_accepted_per_round": "another candidate of this round was accepted first",
    "uq_proposal_open_per_dwelling": "this dwelling already has an open round",
    "uq_dwelling_matched_client": "this client is already matched to another dwelling",
}


def commit(session: Session) -> None:
    """Commit, or roll back and raise Conflict when a concurrent change won."""
    try:
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise Conflict("someone else changed this record first; reload and try again") from error
    except IntegrityError as error:
        session.rollback()
        text = str(error.orig)
        for name, message in _CONSTRAINT_MESSAGES.items():
            if name in text:
                raise Conflict(message) from error
        # SQLite names the columns instead of the index.
        if "candidate.client_id" in text:
            raise Conflict(_CONSTRAINT_MESSAGES["uq_candidate_pending_client"]) from error
        if "candidate.proposal_id" in text:
            raise Conflict(_CONSTRAINT_MESSAGES["uq_candidate_accepted_per_round"]) from error
        if "proposal.dwelling_id" in text:
            raise Conflict(_CONSTRAINT_MESSAGES["uq_proposal_open_per_dwelling"]) from error
        if "dwelling.matched_client_id" in text:
            raise Conflict(_CONSTRAINT_MESSAGES["uq_dwelling_matched_client"]) from error
        raise Conflict("the change conflicts with existing data") from error


def get_or_404(session: Session, model: type[T], object_id: Any, *, lock: bool = False) -> T:
    """Load one row by primary key, or raise NotFound; `lock` takes a row lock (PostgreSQL)."""
    if lock:
        row = session.get(model, object_id, with_for_update=True, populate_existing=True)
    else:
        row = session.get(model, object_id)
    if row is None:
        raise NotFound(f"{model.__name__.lower()} {object_id} not found")
    return row
