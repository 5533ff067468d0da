"""The matching agency's view of the engine: suggestions and the dry run for a dwelling."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from matching.access import require_role
from matching.engine.suggest import ClientVerdict, Suggestions, explain_client, suggest
from matching.models import Client, Dwelling
from matching.parameters import year_parameters
from matching.services.clients import log_client_reads
from matching.services.errors import ValidationFailed
from matching.services.unit_of_work import commit, get_or_404
from matching.vocabulary import Role, utcnow
from matching.workdays import local_date


@dataclass(frozen=True)
class DryRun:
    suggestions: Suggestions
    verdict: ClientVerdict | None


def suggest_for_dwelling(
    session: Session, *, dwelling_id: int, actor: Any, now: datetime | None = None,
    limit: int | None = None,
) -> Suggestions:
    """Return the engine's ranked, explained suggestions for a dwelling (agency only).

    `limit` asks for more (or fewer) than the year's round size, so the matcher can choose
    others than the top; every client returned is logged as read."""
    require_role(actor, Role.MATCHER)
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    suggestions = suggest(session, dwelling, today=local_date(now or utcnow()), limit=limit)
    _log_reads(session, actor, dwelling_id, suggestions.top_ids)
    return suggestions


def _log_reads(session: Session, actor: Any, dwelling_id: int, client_ids: list[int]) -> None:
    # The suggestions show the clients' household, income and needs: log them as reads.
    log_client_reads(session, actor=actor, client_ids=client_ids,
                     purpose=f"suggestions for dwelling {dwelling_id}")
    commit(session)


def dry_run(
    session: Session,
    *,
    dwelling_id: int,
    actor: Any,
    client_id: int | None = None,
    now: datetime | None = None,
    limit: int | None = None,
) -> DryRun:
    """Say who would be proposed now and, for a named client, why they are or are not."""
    require_role(actor, Role.MATCHER)
    today = local_date(now or utcnow())
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    suggestions = suggest(session, dwelling, today=today, limit=limit)
    verdict = None
    if client_id is not None:
        client = session.get(Client, client_id)
        if client is None:
            raise ValidationFailed({"client_id": f"client {client_id} does not exist"})
        round_size = year_parameters(session, today.year).candidates_per_round
        verdict = explain_client(session, dwelling, client, today=today, round_size=round_size)
    shown = suggestions.top_ids + ([client_id] if client_id is not None else [])
    _log_reads(session, actor, dwelling_id, sorted(set(shown)))
    return DryRun(suggestions, verdict)
