"""Read side of the client pages: waiting times, list rows, a client's history and rounds.

Nothing here logs reads: the pages that show these rows log them (see services.clients).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from matching.models import (
    Candidate,
    Client,
    ClientEvent,
    District,
    Dwelling,
    Organisation,
    Proposal,
    ReasonCode,
    TargetGroup,
    User,
)
from matching.parameters import year_parameters
from matching.shared_reads import once
from matching.vocabulary import ClientState

# States in which the client is still in the process, so the waiting clock runs.
_WAITING_CLOCK_STOPPED = (ClientState.REGISTERED, ClientState.HOUSED, ClientState.WITHDRAWN)


@dataclass(frozen=True)
class WaitingTime:
    days: int
    months: int
    past_ambition: bool  # waiting longer than the ambition (three months in 2019)
    ambition_months: int


def waiting_time(client: Client, today: date, ambition_months: int) -> WaitingTime | None:
    """How long a client in the process has waited, or None when the clock does not run."""
    since = client.waiting_since
    if since is None or client.state in _WAITING_CLOCK_STOPPED:
        return None
    span = relativedelta(today, since)
    return WaitingTime(
        days=(today - since).days,
        months=max(0, span.years * 12 + span.months),
        # The same cut-off as the ranking engine (engine/ranking.py: ambition_cutoff).
        past_ambition=since <= today - relativedelta(months=ambition_months),
        ambition_months=ambition_months,
    )


def ambition_months(session: Session, today: date) -> int:
    """The waiting-time ambition in force this year."""
    return year_parameters(session, today.year).waiting_ambition_months


@dataclass(frozen=True)
class ClientRow:
    client: Client
    target_group: TargetGroup | None
    care_provider: str
    waiting: WaitingTime | None


def target_groups(session: Session) -> list[TargetGroup]:
    """The target groups in their reference order (read once inside `shared_reads`)."""
    return once(session, "target_groups", lambda: list(
        session.exec(select(TargetGroup).order_by(col(TargetGroup.sort_order)))))


def target_groups_by_code(session: Session) -> dict[str, TargetGroup]:
    """The target groups by code, to name the group of each row of a list."""
    return {g.code: g for g in target_groups(session)}


def districts(session: Session) -> list[District]:
    """Utrecht's districts first, then the regional municipalities, each by name."""
    return list(session.exec(select(District).order_by(col(District.kind).desc(),
                                                        col(District.name))))


def _organisation_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(Organisation).where(col(Organisation.id).in_(ids)))
    return {o.id: o.name for o in rows if o.id is not None}


def client_rows(session: Session, clients: Sequence[Client], today: date, *,
                groups: Sequence[TargetGroup] | None = None) -> list[ClientRow]:
    """Decorate a page of clients with their group, provider name and waiting time; pass
    `groups` when the page has already read the target groups."""
    by_code = ({g.code: g for g in groups} if groups is not None
               else target_groups_by_code(session))
    names = _organisation_names(session, {c.care_provider_id for c in clients})
    months = ambition_months(session, today)
    return [
        ClientRow(
            client=c,
            target_group=by_code.get(c.target_group),
            care_provider=names.get(c.care_provider_id, ""),
            waiting=waiting_time(c, today, months),
        )
        for c in clients
    ]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    trigger: str
    from_state: str | None
    to_state: str
    organisation: str | None  # None: the system (a timer)
    note: str  # the reason or motivation given, if any


def _note(data: dict) -> str:
    for key in ("reason", "motivation"):
        if data.get(key):
            return str(data[key])
    return ""


def client_history(session: Session, client_id: int) -> list[HistoryEntry]:
    """The client's events, oldest first, with the acting organisation."""
    rows = session.exec(
        select(ClientEvent, User)
        .join(User, col(User.id) == col(ClientEvent.actor_user_id), isouter=True)
        .where(ClientEvent.client_id == client_id)
        .order_by(col(ClientEvent.at), col(ClientEvent.id))
    ).all()
    names = _organisation_names(session, {u.organisation_id for _, u in rows if u is not None})
    return [
        HistoryEntry(
            at=event.at, trigger=event.trigger, from_state=event.from_state,
            to_state=event.to_state,
            organisation=names.get(user.organisation_id) if user is not None else None,
            note=_note(event.data or {}),
        )
        for event, user in rows
    ]


@dataclass(frozen=True)
class RoundEntry:
    round_no: int
    opened_at: datetime
    address: str
    wijk: str
    outcome: str  # the candidate's state
    reason: ReasonCode | None
    motivation: str | None
    decided_at: datetime | None


def client_rounds(session: Session, client_id: int) -> list[RoundEntry]:
    """Every round the client was proposed in: the dwelling, and what the corporation decided."""
    rows = session.exec(
        select(Candidate, Proposal, Dwelling, ReasonCode)
        .join(Proposal, col(Proposal.id) == col(Candidate.proposal_id))
        .join(Dwelling, col(Dwelling.id) == col(Candidate.dwelling_id))
        .join(ReasonCode, col(ReasonCode.code) == col(Candidate.reason_code), isouter=True)
        .where(Candidate.client_id == client_id)
        .order_by(col(Proposal.opened_at), col(Candidate.id))
    ).all()
    return [
        RoundEntry(
            round_no=proposal.round_no, opened_at=proposal.opened_at, address=dwelling.address,
            wijk=dwelling.wijk, outcome=candidate.state, reason=reason,
            motivation=candidate.motivation, decided_at=candidate.decided_at,
        )
        for candidate, proposal, dwelling, reason in rows
    ]


def care_provider_name(session: Session, client: Client) -> str:
    return _organisation_names(session, {client.care_provider_id}).get(client.care_provider_id, "")
