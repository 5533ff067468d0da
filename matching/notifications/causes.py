"""The notices a service records in its own transaction, one function per cause, and the
parameters their messages name (an address, a round number, a date, an organisation)."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from matching.models import Client, Dwelling, Lease, LeaseTransferRequest, Organisation, Proposal
from matching.notifications.kinds import outcome_params
from matching.notifications.notify import agency_ids, notice_key, notify


def organisation_name(session: Session, organisation_id: int | None) -> str:
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    return organisation.name if organisation is not None else "–"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def dwelling_params(session: Session, dwelling: Dwelling) -> dict[str, Any]:
    return {"address": dwelling.address,
            "corporation": organisation_name(session, dwelling.corporation_id)}


def round_params(session: Session, proposal: Proposal, dwelling: Dwelling) -> dict[str, Any]:
    return {**dwelling_params(session, dwelling), "round_no": proposal.round_no,
            "deadline": _iso(proposal.deadline)}


def lease_params(session: Session, lease: Lease) -> dict[str, Any]:
    # A lease is named by its number, not its address: the address says where a client lives.
    return {"lease_id": lease.id, "corporation": organisation_name(session, lease.corporation_id),
            "review_on": _iso(lease.review_on), "end_on": _iso(lease.end_on)}


def landlord_and_tenant(lease: Lease) -> list[int | None]:
    """The landlord and the tenant care provider (each kind tells the roles it concerns)."""
    return [lease.corporation_id, lease.tenant_care_provider_id]


def round_news(session: Session, kind: str, proposal: Proposal, dwelling: Dwelling,
               now: datetime) -> None:
    """Tell the owning corporation of its round: `round_opened`, `round_extended` (once a
    round) or `round_cancelled`."""
    assert proposal.id is not None
    notify(session, kind=kind, subject_id=proposal.id,
           organisation_ids=[dwelling.corporation_id],
           params=round_params(session, proposal, dwelling), now=now)


def round_decided(session: Session, proposal: Proposal, dwelling: Dwelling, outcome: str,
                  now: datetime) -> None:
    assert proposal.id is not None
    notify(session, kind="round_decided", subject_id=proposal.id,
           organisation_ids=list(agency_ids(session)),
           params={**round_params(session, proposal, dwelling), **outcome_params(outcome)},
           now=now)


def round_overdue(session: Session, proposal: Proposal, dwelling: Dwelling, now: datetime
                  ) -> None:
    """Told once per deadline: a round whose extended deadline passes is overdue again."""
    assert proposal.id is not None
    notify(session, kind="round_overdue", subject_id=proposal.id,
           organisation_ids=[dwelling.corporation_id, *agency_ids(session)],
           params=round_params(session, proposal, dwelling),
           key=notice_key("round_overdue", "proposal", proposal.id, _iso(proposal.deadline)),
           now=now)


def referral_received(session: Session, client: Client, now: datetime | None) -> None:
    assert client.id is not None
    notify(session, kind="referral_received", subject_id=client.id,
           organisation_ids=list(agency_ids(session)),
           params={"care_provider": organisation_name(session, client.care_provider_id)},
           now=now)


def transfer_requested(session: Session, lease: Lease, request: LeaseTransferRequest,
                       now: datetime) -> None:
    assert lease.id is not None and request.id is not None
    notify(session, kind="transfer_requested", subject_id=lease.id,
           organisation_ids=[lease.corporation_id],
           params={**lease_params(session, lease),
                   "care_provider": organisation_name(session, request.care_provider_id),
                   "wished_on": request.wished_on.isoformat()},
           key=notice_key("transfer_requested", "lease", lease.id, request.id), now=now)
