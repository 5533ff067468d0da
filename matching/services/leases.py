"""Leases: letting a dwelling, the flip (omklap), extensions, endings, institution dwellings."""

from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from matching.access import check_dwelling_owner, check_lease_visible, require_role
from matching.models import Client, Dwelling, Lease, Organisation
from matching.parameters import year_parameters
from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.student_complexes import check_student_complex_cap
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import LeaseType, OrganisationKind, Role
from matching.workflow import fire
from matching.workflow.engine import record_creation, require_trigger


def _lease_dates(session: Session, lease_type: str, start: date) -> tuple[date | None, date | None]:
    """Return (review_on, end_on) for a new lease."""
    params = year_parameters(session, start.year)
    try:
        if lease_type == LeaseType.FLIP:
            # The review of a flip lease: after two years as a rule (Plan van Aanpak 2019).
            return start + relativedelta(months=params.flip_review_months), None
        if lease_type == LeaseType.CAMPUS:
            # Campus contracts for young adults last at most five years (Plan van Aanpak 2019).
            return None, start + relativedelta(years=params.campus_max_years)
    except (OverflowError, ValueError):
        raise ValidationFailed(
            {"lease_start": "the review or end date would fall beyond the calendar"}
        ) from None
    return None, None


@service
def let_dwelling(
    session: Session,
    *,
    dwelling_id: int,
    lease_start: date,
    lease_type: str,
    actor: Any,
    now: datetime | None = None,
) -> Lease:
    """Let a dwelling whose offer was accepted: create the lease and house the client."""
    require_role(actor, Role.CORPORATION)
    dwelling = get_or_404(session, Dwelling, dwelling_id, lock=True)
    check_dwelling_owner(actor, dwelling)
    if lease_type not in tuple(LeaseType):
        raise ValidationFailed({"lease_type": "must be direct, flip or campus"})
    require_trigger(dwelling, "let", now=now)  # names the state and what is allowed
    if dwelling.matched_client_id is None:
        raise NotFound(f"dwelling {dwelling_id} has no matched client")
    client = get_or_404(session, Client, dwelling.matched_client_id, lock=True)
    if lease_type == LeaseType.FLIP and not client.flip_lease_ok:
        raise ValidationFailed(
            {"lease_type": "the care provider has not agreed to be the tenant of a flip lease"}
        )
    check_student_complex_cap(session, dwelling, lease_start)
    review_on, end_on = _lease_dates(session, lease_type, lease_start)
    lease = Lease(
        dwelling_id=dwelling.id,
        client_id=client.id,
        corporation_id=dwelling.corporation_id,
        care_provider_id=client.care_provider_id,
        tenant_care_provider_id=client.care_provider_id if lease_type == LeaseType.FLIP else None,
        lease_type=lease_type,
        start_on=lease_start,
        review_on=review_on,
        end_on=end_on,
    )
    if now is not None:
        lease.created_at = now
    session.add(lease)
    record_creation(lease, actor=actor, now=now, dwelling_id=dwelling.id, client_id=client.id)
    fire(dwelling, "let", actor=actor, now=now, lease_type=lease_type, lease_start=lease_start)
    fire(client, "house", actor=actor, now=now, dwelling_id=dwelling.id)
    commit(session)
    return lease


@service
def register_institution_lease(
    session: Session,
    *,
    care_provider_id: int,
    address: str,
    start_on: date,
    actor: Any,
    review_on: date | None = None,
    now: datetime | None = None,
) -> Lease:
    """Register an existing institution dwelling as a flip lease, without matching history."""
    require_role(actor, Role.CORPORATION)
    provider = session.get(Organisation, care_provider_id)
    if provider is None or provider.kind != OrganisationKind.CARE_PROVIDER:
        raise ValidationFailed({"care_provider_id": "not a care provider"})
    if not address.strip():
        raise ValidationFailed({"address": "an address is required"})
    default_review, _ = _lease_dates(session, LeaseType.FLIP, start_on)
    lease = Lease(
        corporation_id=actor.organisation_id,
        care_provider_id=care_provider_id,
        tenant_care_provider_id=care_provider_id,
        lease_type=LeaseType.FLIP,
        is_institution=True,
        address=address.strip(),
        start_on=start_on,
        review_on=review_on or default_review,
    )
    if now is not None:
        lease.created_at = now
    session.add(lease)
    record_creation(lease, actor=actor, now=now, institution=True)
    commit(session)
    return lease


def _visible_lease(session: Session, lease_id: int, actor: Any) -> Lease:
    lease = get_or_404(session, Lease, lease_id, lock=True)
    check_lease_visible(actor, lease)
    return lease


@service
def transfer_lease(
    session: Session, *, lease_id: int, on: date, actor: Any, now: datetime | None = None
) -> Lease:
    """Transfer (omklap) a flip lease: the client becomes the tenant from `on`."""
    require_role(actor, Role.MATCHER, Role.CORPORATION)
    lease = _visible_lease(session, lease_id, actor)
    if actor.role == Role.CORPORATION and lease.corporation_id != actor.organisation_id:
        raise NotFound(f"lease {lease_id} not found")
    if on < lease.start_on:
        raise ValidationFailed({"on": "cannot lie before the start of the lease"})
    fire(lease, "transfer", actor=actor, now=now, on=on)
    commit(session)
    return lease


@service
def extend_lease(
    session: Session,
    *,
    lease_id: int,
    review_on: date,
    reason: str,
    actor: Any,
    now: datetime | None = None,
) -> Lease:
    """Postpone the review of a flip lease whose tenant is not ready (at most 12 months on)."""
    require_role(actor, Role.CARE_PROVIDER)
    lease = _visible_lease(session, lease_id, actor)
    if lease.tenant_care_provider_id != actor.organisation_id:
        raise PermissionDenied("only the tenant care provider may extend this lease")
    problems: dict[str, str] = {}
    if not (reason or "").strip():
        problems["reason"] = "a reason is required"
    current = lease.review_on or lease.start_on
    limit = current + relativedelta(
        months=year_parameters(session, current.year).flip_extension_max_months
    )
    if review_on <= current:
        problems["review_on"] = f"must lie after the current review date {current.isoformat()}"
    elif review_on > limit:
        problems["review_on"] = f"may lie at most until {limit.isoformat()}"
    if problems:
        raise ValidationFailed(problems)
    fire(lease, "extend", actor=actor, now=now, review_on=review_on, reason=reason.strip())
    commit(session)
    return lease


@service
def end_lease(
    session: Session, *, lease_id: int, on: date, reason: str, actor: Any,
    now: datetime | None = None,
) -> Lease:
    """End a lease (landlord corporation), with a reason."""
    require_role(actor, Role.CORPORATION)
    lease = _visible_lease(session, lease_id, actor)
    if lease.corporation_id != actor.organisation_id:
        raise NotFound(f"lease {lease_id} not found")
    problems: dict[str, str] = {}
    if not (reason or "").strip():
        problems["reason"] = "a reason is required"
    if on < lease.start_on:
        problems["on"] = "cannot lie before the start of the lease"
    if problems:
        raise ValidationFailed(problems)
    fire(lease, "end", actor=actor, now=now, on=on, reason=reason.strip())
    commit(session)
    return lease
