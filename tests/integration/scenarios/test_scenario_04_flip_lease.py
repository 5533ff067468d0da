"""Scenario 04 (domain brief section 8): a flip lease's happy path and its deferral.

Two Lister clients start in inflow (instroom) dwellings that Lister rents from Mitros on a flip
lease from 1 September 2019. The review falls 24 months on, on 1 September 2021 (seed
`flip_review_months`); the tick marks it due `flip_review_notice_months` (3, an assumption of
the seeds) before, so on 1 September 2021 both are due.

The first client is ready: Lister asks for the transfer and Mitros transfers the lease (omklap),
so the client becomes the tenant and the lease leaves the open flip leases (the dwelling counts
as regular stock). The second is not ready: Lister defers the review by the extension interval,
here the seeds' maximum `flip_extension_max_months` (12, the brief's PARAM), and the tick marks
the new review due again three months before 1 September 2022.
"""

from datetime import UTC, date, datetime

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from matching.models import Lease, LeaseEvent, User
from matching.parameters import year_parameters
from matching.reports.build import quarter_report
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.lease_requests import request_lease_transfer
from matching.services.leases import extend_lease, let_dwelling, transfer_lease
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from tests.factories import ClientData, DwellingData, make_user

START = date(2019, 9, 1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _inflow_flip_lease(session: Session, mitros: User, lister: User, matcher: User) -> Lease:
    """A Lister client in a Mitros inflow dwelling on a flip lease from 1 Sep 2019."""
    client = register_client(session, data=ClientData(target_group="mobw_instroom"),
                             actor=lister, now=at(date(2019, 7, 1)))
    approve_client(session, client_id=client.id, actor=matcher, now=at(date(2019, 7, 2)))
    dwelling = create_dwelling(session, data=DwellingData(designation="instroom",
                                                          lease_type="flip"),
                               actor=mitros, now=at(date(2019, 8, 1)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=mitros, now=at(date(2019, 8, 1)))
    proposal = propose_candidates(session, dwelling_id=dwelling.id, client_ids=[client.id],
                                  actor=matcher, now=at(date(2019, 8, 2)))
    decide_candidate(session, proposal_id=proposal.id, client_id=client.id, decision="accept",
                     actor=mitros, now=at(date(2019, 8, 5)))
    record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted", actor=matcher,
                        now=at(date(2019, 8, 12)))
    return let_dwelling(session, dwelling_id=dwelling.id, lease_start=START, lease_type="flip",
                        actor=mitros, now=at(date(2019, 8, 20)))


def _lease_figures(session: Session, matcher: User, quarter: str, today: date) -> dict:
    return quarter_report(session, quarter=quarter, actor=matcher, today=today)["leases"]


def test_scenario_04_a_ready_tenant_flips_at_24_months_and_one_not_ready_is_reviewed_again(
    reference: Session,
):
    session = reference
    mitros = make_user(session, "Mitros", "corporation")
    lister = make_user(session, "Lister", "care_provider")
    matcher = make_user(session, "Het Vierde Huis", "matcher")
    ready = _inflow_flip_lease(session, mitros, lister, matcher)
    not_ready = _inflow_flip_lease(session, mitros, lister, matcher)
    parameters = year_parameters(session, 2021)
    review = START + relativedelta(months=parameters.flip_review_months)
    assert review == ready.review_on == not_ready.review_on == date(2021, 9, 1)
    assert (ready.tenant_care_provider_id, ready.client_id) == (lister.organisation_id,
                                                                ready.client_id)

    # Before the notice period the tick leaves the leases alone; on 1 Sep 2021 both are due.
    notice = review - relativedelta(months=parameters.flip_review_notice_months)
    run_tick(session, now=at(notice - relativedelta(days=1)))
    session.expire_all()
    assert {session.get(Lease, ready.id).state, session.get(Lease, not_ready.id).state} == {
        "active"}
    run_tick(session, now=at(review))
    session.expire_all()
    assert session.get(Lease, ready.id).state == session.get(Lease, not_ready.id).state == (
        "review_due")
    assert _lease_figures(session, matcher, "2021Q3", review)["flip_review_due"] == 2

    # The first tenant is ready: Lister asks for the omklap, Mitros transfers the lease.
    request_lease_transfer(session, lease_id=ready.id, wished_on=review,
                           note="Cliënt woont zelfstandig", actor=lister, now=at(review))
    transfer_lease(session, lease_id=ready.id, on=review, actor=mitros,
                   now=at(review, hour=14))
    flipped = session.get(Lease, ready.id)
    assert (flipped.state, flipped.transferred_on) == ("transferred", review)
    assert flipped.tenant_care_provider_id is None  # the lease is in the client's own name
    assert flipped.client_id is not None
    figures = _lease_figures(session, matcher, "2021Q3", review)
    assert (figures["flip_active"], figures["flip_review_due"],
            figures["flip_transferred_in_period"]) == (1, 1, 1)  # regular stock now

    # The second is not ready: Lister defers by the extension interval; it is due again
    # three months before the new review date, and not before.
    extension = relativedelta(months=parameters.flip_extension_max_months)
    new_review = review + extension
    assert new_review == date(2022, 9, 1)
    extend_lease(session, lease_id=not_ready.id, review_on=new_review,
                 reason="Nog niet klaar voor zelfstandige huur", actor=lister, now=at(review))
    deferred = session.get(Lease, not_ready.id)
    assert (deferred.state, deferred.review_on) == ("extended", new_review)
    assert _lease_figures(session, matcher, "2021Q3", review)["flip_extended_in_period"] == 1
    again = new_review - relativedelta(months=parameters.flip_review_notice_months)
    run_tick(session, now=at(again - relativedelta(days=1)))
    session.expire_all()
    assert session.get(Lease, not_ready.id).state == "extended"
    run_tick(session, now=at(again))
    session.expire_all()
    assert session.get(Lease, not_ready.id).state == "review_due"
    events = session.exec(select(LeaseEvent.to_state).where(LeaseEvent.lease_id == not_ready.id)
                          .order_by(LeaseEvent.id)).all()
    assert events[-3:] == ["review_due", "extended", "review_due"]
