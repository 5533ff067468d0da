"""The notices that time makes due, found from the current state by `matching tick`.

Each has a key naming its cause (with the date it concerns where a subject can come round
again: a new review date after an extension, a new answer deadline after a new match), so
the database keeps it to one notice whatever runs twice. A tick after a long pause catches up
with every reminder that fell due meanwhile, each once, as long as its subject still awaits
the step it reminds of: a round still undecided, a lease not yet transferred or ended.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, func, select

from matching.models import Dwelling, DwellingEvent, Lease, Proposal
from matching.notifications.causes import (
    dwelling_params,
    landlord_and_tenant,
    lease_params,
    organisation_name,
    round_params,
)
from matching.notifications.notify import agency_ids, notice_key
from matching.parameters import ParametersByYear
from matching.services.hotels import clients_due_one_time_offer
from matching.vocabulary import DwellingState, LeaseState, LeaseType, ProposalState, as_utc
from matching.workdays import local_date


@dataclass(frozen=True)
class DueNotice:
    kind: str
    subject_id: int
    key: str
    organisation_ids: list[int | None]
    params: dict[str, Any]


def due_notices(session: Session, today: date) -> list[DueNotice]:
    """Every notice that is due on `today` by the clock, whether recorded already or not."""
    parameters = ParametersByYear(session)
    agency = list(agency_ids(session))
    return [
        *_round_reminders(session, today, parameters),
        *_offers_overdue(session, today, parameters, agency),
        *_dwellings_at_risk(session, today, parameters, agency),
        *_flip_reviews(session, today),
        *_campus_endings(session, today),
        *_one_time_offers(session, today, agency),
    ]


def _round_reminders(session: Session, today: date, parameters: ParametersByYear
                     ) -> Iterator[DueNotice]:
    rounds = session.exec(
        select(Proposal, Dwelling).join(Dwelling, col(Dwelling.id) == col(Proposal.dwelling_id))
        .where(col(Proposal.state).in_([ProposalState.OPEN, ProposalState.OVERDUE]))).all()
    for proposal, dwelling in rounds:
        opened = local_date(as_utc(proposal.opened_at))
        params = parameters(opened.year)
        remind_on = params.calendar.add_working_days(opened, params.decision_reminder_working_days)
        if remind_on <= today:
            assert proposal.id is not None
            yield DueNotice("round_reminder", proposal.id,
                            notice_key("round_reminder", "proposal", proposal.id),
                            [dwelling.corporation_id], round_params(session, proposal, dwelling))


def _offers_overdue(session: Session, today: date, parameters: ParametersByYear,
                    agency: list[int]) -> Iterator[DueNotice]:
    matched_at = (select(DwellingEvent.dwelling_id, func.max(DwellingEvent.at).label("at"))
                  .where(DwellingEvent.trigger == "match")
                  .group_by(col(DwellingEvent.dwelling_id)).subquery())
    offers = session.exec(select(Dwelling, matched_at.c.at)
                          .join(matched_at, matched_at.c.dwelling_id == Dwelling.id)
                          .where(Dwelling.state == DwellingState.MATCHED)).all()
    for dwelling, moment in offers:
        matched_on = local_date(as_utc(moment))
        params = parameters(matched_on.year)
        deadline = params.calendar.add_working_days(matched_on, params.offer_answer_working_days)
        if deadline < today:
            assert dwelling.id is not None
            yield DueNotice("offer_overdue", dwelling.id,
                            notice_key("offer_overdue", "dwelling", dwelling.id, deadline),
                            list(agency), {**dwelling_params(session, dwelling),
                                           "deadline": deadline.isoformat()})


def _dwellings_at_risk(session: Session, today: date, parameters: ParametersByYear,
                       agency: list[int]) -> Iterator[DueNotice]:
    # Twenty working days take at least twenty calendar days: older submissions only.
    limit = parameters(today.year).at_risk_working_days
    unmatched = session.exec(select(Dwelling).where(
        col(Dwelling.state).in_([DwellingState.SUBMITTED, DwellingState.PROPOSED]),
        col(Dwelling.submitted_at).is_not(None),
    )).all()
    for dwelling in unmatched:
        assert dwelling.submitted_at is not None and dwelling.id is not None
        submitted = local_date(as_utc(dwelling.submitted_at))
        if submitted > today - timedelta(days=limit):
            continue
        params = parameters(submitted.year)
        waited = params.calendar.working_days_between(submitted, today)
        if waited >= params.at_risk_working_days:
            yield DueNotice("dwelling_at_risk", dwelling.id,
                            notice_key("dwelling_at_risk", "dwelling", dwelling.id),
                            [*agency, dwelling.corporation_id],
                            {**dwelling_params(session, dwelling),
                             "days": params.at_risk_working_days})


# A flip lease's reminders: months before its review date.
_FLIP_MILESTONES = (("flip_review_3m", 3), ("flip_review_1m", 1), ("flip_review_due", 0))


def _flip_reviews(session: Session, today: date) -> Iterator[DueNotice]:
    leases = session.exec(select(Lease).where(
        Lease.lease_type == LeaseType.FLIP,
        col(Lease.state).in_([LeaseState.ACTIVE, LeaseState.EXTENDED, LeaseState.REVIEW_DUE]),
        col(Lease.review_on).is_not(None),
        col(Lease.review_on) <= today + relativedelta(months=3),
    )).all()
    for lease in leases:
        assert lease.review_on is not None and lease.id is not None
        for kind, months in _FLIP_MILESTONES:
            if lease.review_on - relativedelta(months=months) <= today:
                yield DueNotice(kind, lease.id,
                                notice_key(kind, "lease", lease.id, lease.review_on),
                                landlord_and_tenant(lease),
                                lease_params(session, lease))


def _campus_endings(session: Session, today: date) -> Iterator[DueNotice]:
    leases = session.exec(select(Lease).where(
        Lease.lease_type == LeaseType.CAMPUS,
        col(Lease.state).in_([LeaseState.ACTIVE, LeaseState.ENDING]),
        col(Lease.end_on).is_not(None),
        col(Lease.end_on) > today,
        col(Lease.end_on) <= today + relativedelta(months=6),
    )).all()
    for lease in leases:
        assert lease.end_on is not None and lease.id is not None
        yield DueNotice("campus_end_6m", lease.id,
                        notice_key("campus_end_6m", "lease", lease.id, lease.end_on),
                        [lease.corporation_id], lease_params(session, lease))


def _one_time_offers(session: Session, today: date, agency: list[int]) -> Iterator[DueNotice]:
    # Once per stay: a new start date of the stay is a new cause. The message names no date:
    # the day the twelve months ran out would give the client's stay away.
    for client in clients_due_one_time_offer(session, today):
        assert client.id is not None
        yield DueNotice("one_time_offer", client.id,
                        notice_key("one_time_offer", "client", client.id,
                                   client.hotel_stay_since),
                        list(agency),
                        {"care_provider": organisation_name(session, client.care_provider_id)})
