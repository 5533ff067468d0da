"""Clients (referrals by a care provider): register, edit, approve, hold, resume, withdraw."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlmodel import Session, select

from matching.access import check_client_visible, require_role
from matching.audit import record_client_access
from matching.models import Candidate, Client, District, Dwelling, TargetGroup
from matching.notifications import causes
from matching.schemas import ClientInput, parse
from matching.services import hotels
from matching.services.errors import NotFound, ValidationFailed
from matching.services.locks import RowsMoved
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import CandidateState, ClientState, Role, utcnow
from matching.workdays import local_date
from matching.workflow import fire
from matching.workflow.engine import record_creation


def _check_references(
    session: Session, values: ClientInput, now: datetime | None = None
) -> TargetGroup:
    problems: dict[str, str] = {}
    group = session.get(TargetGroup, values.target_group)
    if group is None:
        problems["target_group"] = f"'{values.target_group}' is not a known target group"
    for name in ("excluded_wijken", "preferred_wijken"):
        unknown = [w for w in getattr(values, name) if session.get(District, w) is None]
        if unknown:
            problems[name] = f"unknown district(s): {', '.join(unknown)}"
    problems.update(hotels.hotel_problems(
        target_group=values.target_group, hotel_stay_since=values.hotel_stay_since,
        hotel_kind=values.hotel_kind, persons=values.adults + values.children,
        today=local_date(now or utcnow())))
    if values.origin_municipality is not None:
        origin = hotels.canonical_municipality(session, values.origin_municipality)
        if origin is None:
            problems["origin_municipality"] = (
                f"'{values.origin_municipality}' is neither Utrecht nor a U16 municipality")
        values.origin_municipality = origin
    if problems:
        raise ValidationFailed(problems)
    assert group is not None
    return group


@service
def register_client(
    session: Session, *, data: dict[str, Any], actor: Any, now: datetime | None = None
) -> Client:
    """Register a referral for the actor's care provider (state `registered`)."""
    require_role(actor, Role.CARE_PROVIDER)
    values = parse(ClientInput, data)
    assert isinstance(values, ClientInput)
    group = check_new_client(session, values=values, actor=actor, now=now)
    client = add_client(session, values=values, group=group, actor=actor, now=now)
    commit(session)
    return client


def check_new_client(
    session: Session, *, values: ClientInput, actor: Any, now: datetime | None = None
) -> TargetGroup:
    """Refuse unknown reference data, or a reference the actor's organisation already uses;
    return the client's target group (also for imports). `now` is the moment of the
    registration (a replay's or the demo's clock), which a hotel stay may not lie after."""
    group = _check_references(session, values, now)
    taken = session.exec(
        select(Client.id).where(
            Client.care_provider_id == actor.organisation_id,
            Client.reference == values.reference,
        )
    ).first()
    if taken is not None:
        raise ValidationFailed({"reference": "your organisation already uses this reference"})
    return group


def add_client(
    session: Session, *, values: ClientInput, group: TargetGroup, actor: Any,
    now: datetime | None = None,
) -> Client:
    """Add a checked referral of the actor's care provider to the session; no commit."""
    client = Client(
        care_provider_id=actor.organisation_id, phase=group.phase, **values.model_dump()
    )
    if now is not None:
        client.created_at = now
    session.add(client)
    record_creation(client, actor=actor, now=now)
    causes.referral_received(session, client, now)
    return client


EDITABLE_STATES = frozenset({ClientState.REGISTERED, ClientState.WAITING, ClientState.ON_HOLD})


@service
def update_client(
    session: Session, *, client_id: int, data: dict[str, Any], actor: Any
) -> Client:
    """Edit a client's matching details (not their state) while no round or offer uses them."""
    require_role(actor, Role.CARE_PROVIDER, Role.MATCHER)
    client = get_or_404(session, Client, client_id)
    check_client_visible(actor, client)
    if client.state not in EDITABLE_STATES:
        # A candidate's household or income must not change under the corporation's decision,
        # and a housed or withdrawn client's record is history.
        raise ValidationFailed({"state": f"a client who is {client.state} cannot be edited"})
    values = parse(ClientInput, data)
    assert isinstance(values, ClientInput)
    group = _check_references(session, values)
    clash = session.exec(
        select(Client.id).where(
            Client.care_provider_id == client.care_provider_id,
            Client.reference == values.reference,
            Client.id != client.id,
        )
    ).first()
    if clash is not None:
        raise ValidationFailed({"reference": "your organisation already uses this reference"})
    changed = [name for name, value in values.model_dump().items()
               if getattr(client, name) != value]
    for name, value in values.model_dump().items():
        setattr(client, name, value)
    if client.phase != group.phase:
        changed.append("phase")
    client.phase = group.phase
    if changed:
        log_client_reads(session, actor=actor, client_ids=[client_id], purpose="edit client",
                         action="change", fields=changed)
    commit(session)
    return client


@service
def read_client(session: Session, *, client_id: int, actor: Any, purpose: str) -> Client:
    """Return a client the actor may see, and write the read to the access log."""
    require_role(actor, Role.CARE_PROVIDER, Role.MATCHER)
    client = get_or_404(session, Client, client_id)
    check_client_visible(actor, client)
    log_client_reads(session, actor=actor, client_ids=[client_id], purpose=purpose)
    commit(session)
    return client


def log_client_reads(
    session: Session, *, actor: Any, client_ids: list[int], purpose: str, action: str = "read",
    fields: Sequence[str] | None = None, access_point: str | None = None,
) -> None:
    """Note in the access log each client shown to the actor; the rows are written when the
    caller commits, and the commit fails when they cannot be (matching/audit/record.py).

    `action` is one of matching.audit.ACTIONS (a list filtered by the user is a `search`);
    `fields` names what was shown (the whole record when not given); the access point and
    request id come from the web request or command, unless `access_point` is given."""
    record_client_access(session, actor=actor, client_ids=client_ids, action=action,
                         purpose=purpose, fields=fields, access_point=access_point)


@service
def approve_client(
    session: Session,
    *,
    client_id: int,
    actor: Any,
    waiting_since: date | None = None,
    now: datetime | None = None,
) -> Client:
    """Approve a referral: the client starts waiting (from approval, or the given date)."""
    require_role(actor, Role.MATCHER)
    client = get_or_404(session, Client, client_id, lock=True)
    moment = now or utcnow()
    if waiting_since is not None and waiting_since > local_date(moment):
        raise ValidationFailed({"waiting_since": "cannot lie in the future"})
    fire(client, "approve", actor=actor, now=moment, waiting_since=waiting_since)
    commit(session)
    return client


def _own_or_agency(session: Session, client_id: int, actor: Any, *, lock: bool = True) -> Client:
    require_role(actor, Role.CARE_PROVIDER, Role.MATCHER)
    client = get_or_404(session, Client, client_id, lock=lock)
    check_client_visible(actor, client)
    return client


@service
def hold_client(
    session: Session, *, client_id: int, actor: Any, reason: str = "", now: datetime | None = None
) -> Client:
    """Pause a waiting client (for example a stay in a clinic)."""
    client = _own_or_agency(session, client_id, actor)
    fire(client, "hold", actor=actor, now=now, reason=reason.strip())
    commit(session)
    return client


@service
def resume_client(
    session: Session, *, client_id: int, actor: Any, reason: str = "",
    now: datetime | None = None,
) -> Client:
    """Put a paused client back in the queue."""
    client = _own_or_agency(session, client_id, actor)
    # A reason is optional; without one the event stays as it always was.
    extra = {"reason": reason.strip()} if reason.strip() else {}
    fire(client, "resume", actor=actor, now=now, **extra)
    commit(session)
    return client


@service
def reinstate_client(
    session: Session, *, client_id: int, motivation: str, actor: Any, now: datetime | None = None
) -> Client:
    """Give a client who refused an offer their place back (agency only, with motivation)."""
    require_role(actor, Role.MATCHER)
    if not (motivation or "").strip():
        raise ValidationFailed({"motivation": "a motivation is required to reinstate"})
    client = get_or_404(session, Client, client_id, lock=True)
    fire(client, "reinstate", actor=actor, now=now, motivation=motivation.strip())
    commit(session)
    return client


class _Ties(NamedTuple):
    """What a withdrawal changes besides the client: their pending candidacy and its round,
    or the dwelling they are matched to."""

    dwelling_id: int | None = None
    proposal_id: int | None = None
    candidate_id: int | None = None


def _ties(session: Session, client: Client) -> _Ties:
    if client.state == ClientState.PROPOSED:
        pending = session.exec(
            select(Candidate).where(
                Candidate.client_id == client.id, Candidate.state == CandidateState.PENDING
            )
        ).first()
        if pending is not None:  # its round, dwelling and id never change
            return _Ties(pending.dwelling_id, pending.proposal_id, pending.id)
    elif client.state in (ClientState.MATCHED, ClientState.OFFER_ACCEPTED):
        return _Ties(session.exec(
            select(Dwelling.id).where(Dwelling.matched_client_id == client.id)
        ).first())
    return _Ties()


@service
def withdraw_client(
    session: Session, *, client_id: int, reason: str, actor: Any, now: datetime | None = None
) -> Client:
    """Withdraw a client from the process, taking them out of any round or match."""
    from matching.services.proposals import lock_round, withdraw_candidate

    if not (reason or "").strip():
        raise ValidationFailed({"reason": "a reason is required"})
    client = _own_or_agency(session, client_id, actor, lock=False)
    moment = now or utcnow()
    # The round and the dwelling are found through the client, against the global lock order
    # (services.locks): they are locked first, then the client, and then the ties checked
    # again, as a decision or an offer may have moved the client in the meantime.
    ties = _ties(session, client)
    round_ = lock_round(session, ties.proposal_id) if ties.proposal_id is not None else None
    if round_ is None and ties.dwelling_id is not None:
        get_or_404(session, Dwelling, ties.dwelling_id, lock=True)
    client = get_or_404(session, Client, client_id, lock=True)
    if _ties(session, client) != ties:
        raise RowsMoved(f"client {client_id} moved while being withdrawn")
    if round_ is not None and ties.candidate_id is not None:
        withdraw_candidate(round_, candidate_id=ties.candidate_id, actor=actor, now=moment)
    elif client.state in (ClientState.MATCHED, ClientState.OFFER_ACCEPTED):
        # The dwelling goes back to the agency for a new round.
        dwelling = session.get(Dwelling, ties.dwelling_id) if ties.dwelling_id else None
        if dwelling is None:
            raise NotFound("the matched dwelling was not found")
        trigger = "decline_offer" if client.state == ClientState.MATCHED else "reopen"
        fire(dwelling, trigger, actor=actor, now=moment, reason="client withdrawn",
             client_id=client.id)
        dwelling.matched_client_id = None
    fire(client, "withdraw", actor=actor, now=moment, reason=reason.strip())
    commit(session)
    return client
