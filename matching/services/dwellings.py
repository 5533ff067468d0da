"""Dwelling offers: create, edit, submit, withdraw, release, and the client's answer."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from matching.access import check_dwelling_owner, require_role
from matching.models import Client, District, Dwelling, DwellingEarmark, Organisation
from matching.parameters import year_parameters
from matching.schemas import DwellingInput, parse
from matching.services.errors import NotFound, ValidationFailed
from matching.services.reference import reason_code_of_kind
from matching.services.student_complexes import check_student_complex_cap
from matching.services.submission_peaks import check_may_submit, note_submission
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import DwellingState, OrganisationKind, Role, utcnow
from matching.workdays import local_date
from matching.workflow import fire
from matching.workflow.engine import record_creation, require_trigger


def _check_references(session: Session, values: DwellingInput) -> None:
    problems: dict[str, str] = {}
    if session.get(District, values.wijk) is None:
        problems["wijk"] = f"'{values.wijk}' is not a known district or U16 municipality"
    for provider_id in values.earmarked_care_provider_ids:
        provider = session.get(Organisation, provider_id)
        if provider is None or provider.kind != OrganisationKind.CARE_PROVIDER:
            problems["earmarked_care_provider_ids"] = f"{provider_id} is not a care provider"
    if problems:
        raise ValidationFailed(problems)


def _set_earmarks(session: Session, dwelling: Dwelling, provider_ids: list[int]) -> None:
    assert dwelling.id is not None
    for old in session.exec(
        select(DwellingEarmark).where(DwellingEarmark.dwelling_id == dwelling.id)
    ):
        session.delete(old)
    for provider_id in sorted(set(provider_ids)):
        session.add(DwellingEarmark(dwelling_id=dwelling.id, care_provider_id=provider_id))


def check_dwelling_references(session: Session, values: DwellingInput) -> None:
    """Refuse a district or earmarked care provider that does not exist (also for imports)."""
    _check_references(session, values)


def add_dwelling(
    session: Session, *, values: DwellingInput, actor: Any, now: datetime | None = None
) -> Dwelling:
    """Add a checked draft dwelling of the actor's corporation to the session; no commit."""
    fields = values.model_dump(exclude={"earmarked_care_provider_ids"})
    dwelling = Dwelling(corporation_id=actor.organisation_id, **fields)
    if now is not None:
        dwelling.created_at = now
    session.add(dwelling)
    record_creation(dwelling, actor=actor, now=now)
    _set_earmarks(session, dwelling, values.earmarked_care_provider_ids)
    return dwelling


@service
def create_dwelling(
    session: Session, *, data: dict[str, Any], actor: Any, now: datetime | None = None
) -> Dwelling:
    """Create a draft dwelling offer for the actor's corporation."""
    require_role(actor, Role.CORPORATION)
    values = parse(DwellingInput, data)
    assert isinstance(values, DwellingInput)
    _check_references(session, values)
    dwelling = add_dwelling(session, values=values, actor=actor, now=now)
    commit(session)
    return dwelling


@service
def update_dwelling(
    session: Session, *, dwelling_id: int, data: dict[str, Any], actor: Any
) -> Dwelling:
    """Edit a dwelling while it is still a draft."""
    require_role(actor, Role.CORPORATION)
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    check_dwelling_owner(actor, dwelling)
    if dwelling.state != DwellingState.DRAFT:
        raise ValidationFailed({"state": "only a draft can be edited"})
    values = parse(DwellingInput, data)
    assert isinstance(values, DwellingInput)
    _check_references(session, values)
    for name, value in values.model_dump(exclude={"earmarked_care_provider_ids"}).items():
        setattr(dwelling, name, value)
    _set_earmarks(session, dwelling, values.earmarked_care_provider_ids)
    commit(session)
    return dwelling


@service
def submit_dwelling(
    session: Session, *, dwelling_id: int, actor: Any, now: datetime | None = None
) -> Dwelling:
    """Submit (voordragen) a draft to the matching agency; it counts for this quarter."""
    require_role(actor, Role.CORPORATION)
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    check_dwelling_owner(actor, dwelling)
    check_may_submit(session, dwelling)
    check_student_complex_cap(session, dwelling, local_date(now or utcnow()))
    fire(dwelling, "submit", actor=actor, now=now)
    note_submission(session, dwelling, now)
    commit(session)
    return dwelling


@service
def withdraw_dwelling(
    session: Session, *, dwelling_id: int, reason: str, actor: Any, now: datetime | None = None
) -> Dwelling:
    """Withdraw a dwelling before it is matched, closing an open round with it."""
    from matching.services.proposals import cancel_open_round

    require_role(actor, Role.CORPORATION)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "a reason is required"})
    dwelling = get_or_404(session, Dwelling, dwelling_id, lock=True)
    check_dwelling_owner(actor, dwelling)
    if dwelling.state == DwellingState.PROPOSED:
        cancel_open_round(session, dwelling=dwelling, actor=actor, now=now)
    fire(dwelling, "withdraw", actor=actor, now=now, reason=reason.strip())
    commit(session)
    return dwelling


@service
def release_dwelling(
    session: Session, *, dwelling_id: int, actor: Any, now: datetime | None = None
) -> Dwelling:
    """Release an unmatched dwelling to regular allocation after the vacancy deadline."""
    require_role(actor, Role.CORPORATION)
    dwelling = get_or_404(session, Dwelling, dwelling_id)
    check_dwelling_owner(actor, dwelling)
    moment = now or utcnow()
    params = year_parameters(session, local_date(moment).year)
    fire(dwelling, "release", actor=actor, now=moment, release_after=params.release_working_days,
         good_friday_off=params.calendar.good_friday_off)
    commit(session)
    return dwelling


@service
def record_offer_answer(
    session: Session,
    *,
    dwelling_id: int,
    answer: str,
    actor: Any,
    reason_code: str | None = None,
    valid: bool | None = None,
    motivation: str | None = None,
    now: datetime | None = None,
) -> Dwelling:
    """Record the matched client's answer to the one-time offer."""
    require_role(actor, Role.MATCHER)
    dwelling = get_or_404(session, Dwelling, dwelling_id, lock=True)
    if answer not in ("accepted", "declined"):
        raise ValidationFailed({"answer": "must be 'accepted' or 'declined'"})
    # Refuse early, naming the state and what is allowed, before anything is read or written.
    require_trigger(dwelling, "accept_offer" if answer == "accepted" else "decline_offer",
                    now=now)
    if dwelling.matched_client_id is None:
        raise NotFound(f"dwelling {dwelling_id} has no matched client")
    client = get_or_404(session, Client, dwelling.matched_client_id, lock=True)
    if answer == "accepted":
        fire(dwelling, "accept_offer", actor=actor, now=now, client_id=client.id)
        fire(client, "accept_offer", actor=actor, now=now, dwelling_id=dwelling.id)
    else:
        problems: dict[str, str] = {}
        if valid is None:
            problems["valid"] = "say whether the reason is valid (true or false)"
        reason = reason_code_of_kind(session, reason_code or "", "candidate")
        text = (motivation or "").strip()
        if not reason_code:
            problems["reason_code"] = "a reason code is required when the offer is declined"
        elif reason is None:
            problems["reason_code"] = f"'{reason_code}' is not a reason a candidate can give"
        elif reason.needs_motivation and not text:
            problems["motivation"] = f"a motivation is required with reason '{reason_code}'"
        if problems:
            raise ValidationFailed(problems)
        data = {"reason_code": reason_code, "valid": valid, "client_id": client.id,
                "motivation": text or None}
        fire(dwelling, "decline_offer", actor=actor, now=now, **data)
        dwelling.matched_client_id = None
        trigger = "decline_offer" if valid else "refuse_offer"
        fire(client, trigger, actor=actor, now=now, dwelling_id=dwelling.id, **data)
    commit(session)
    return dwelling

