"""The demo year (`matching seed demo --today`): volumes, every stage, a live year up to its
last day, determinism, a true history."""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from sqlmodel import Session, SQLModel, col, func, select

from matching.db import get_engine
from matching.demo import DEMO_PASSWORD, DemoReport, build_demo
from matching.models import (
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    Dwelling,
    DwellingEvent,
    Lease,
    LeaseEvent,
    Proposal,
    ProposalEvent,
    User,
)
from matching.services.reference import load_reference
from matching.services.users import verify_password
from matching.vocabulary import DwellingState

# The build takes about twenty seconds; it runs once for the module (twice for determinism).
pytestmark = pytest.mark.slow

# A Wednesday in the middle of a quarter, so the demo's four quarters span two years.
DEMO_DAY = date(2026, 5, 13)
DEMO_END = datetime(2026, 5, 13, 5)  # early on its last day, before office hours (UTC)
HISTORIES = (
    (Dwelling, DwellingEvent, DwellingEvent.dwelling_id),
    (Client, ClientEvent, ClientEvent.client_id),
    (Proposal, ProposalEvent, ProposalEvent.proposal_id),
    (Candidate, CandidateEvent, CandidateEvent.candidate_id),
    (Lease, LeaseEvent, LeaseEvent.lease_id),
)
BEYOND_WAITING = ("waiting", "proposed", "matched", "offer_accepted", "housed", "offer_refused",
                  "on_hold")


def _fresh_demo(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[str, DemoReport]:
    url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'demo.sqlite'}"
    SQLModel.metadata.create_all(get_engine(url))
    with Session(get_engine(url), expire_on_commit=False) as session:
        load_reference(session)
        report = build_demo(session, today=DEMO_DAY)
    return url, report


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, DemoReport]]:
    """A fresh SQLite database with the reference data and the demo year, built once."""
    url, report = _fresh_demo(tmp_path_factory, "demo")
    with Session(get_engine(url), expire_on_commit=False) as session:
        yield session, report
    get_engine(url).dispose()


def _by_state(session: Session, model: Any, *where: Any) -> dict[str, int]:
    state = col(model.state)
    rows = session.exec(select(state, func.count()).where(*where).group_by(state)).all()
    return {name: n for name, n in rows}


def _fingerprint(session: Session) -> dict[str, Any]:
    """What two builds with the same seed must share."""
    return {
        "states": [_by_state(session, model) for model, _event, _key in HISTORIES],
        "addresses": session.exec(select(Dwelling.address).order_by(col(Dwelling.id))).all(),
        "references": session.exec(select(Client.reference).order_by(col(Client.id))).all(),
        "events": [
            session.exec(select(event.at, event.trigger).order_by(col(event.id))).all()
            for _model, event, _key in HISTORIES
        ],
        "rejections": session.exec(
            select(Candidate.client_id, Candidate.reason_code).order_by(col(Candidate.id))
        ).all(),
    }


def test_the_demo_year_has_a_year_of_dwellings_in_every_stage(demo):
    session, report = demo
    dwellings = _by_state(session, Dwelling)
    assert 300 <= sum(dwellings.values()) <= 450
    assert {s.value for s in DwellingState} - {"released"} <= set(dwellings)
    assert dwellings["let"] > 250
    assert report.dwellings_by_state == dwellings
    per_quarter = dict(session.exec(
        select(Dwelling.quarter, func.count()).where(col(Dwelling.quarter) >= "2025Q3")
        .group_by(col(Dwelling.quarter))
    ).all())
    assert sorted(per_quarter) == ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    assert all(85 <= per_quarter[q] <= 115 for q in ("2025Q3", "2025Q4", "2026Q1"))
    # Today's quarter is about half-way: about half its dwellings are in.
    assert 25 <= per_quarter["2026Q2"] <= 70


def test_clients_wait_across_the_care_providers_and_some_are_still_being_approved(demo):
    session, report = demo
    clients = _by_state(session, Client)
    assert report.clients_by_state == clients
    assert sum(clients.get(state, 0) for state in BEYOND_WAITING) >= 550
    assert {"registered", "on_hold", "withdrawn", "offer_refused"} <= set(clients)
    per_provider = sorted(session.exec(
        select(func.count()).select_from(Client).group_by(col(Client.care_provider_id))
    ).all(), reverse=True)
    assert len(per_provider) >= 20  # a long tail of small providers
    assert sum(per_provider[:3]) > sum(per_provider) * 0.35  # and three large ones
    singles = session.exec(
        select(func.count()).select_from(Client).where(Client.adults == 1, Client.children == 0)
    ).one()
    assert 0.65 <= singles / sum(clients.values()) <= 0.85


def test_rounds_are_rejected_with_reasons_reproposed_and_some_are_overdue(demo):
    session, report = demo
    rounds = _by_state(session, Proposal)
    assert report.rounds_by_state == rounds
    assert {"accepted", "rejected", "open", "overdue", "cancelled"} <= set(rounds)
    assert session.exec(select(func.max(Proposal.round_no))).one() >= 3
    rejected = session.exec(select(Candidate).where(Candidate.state == "rejected")).all()
    assert report.rejections == len(rejected)
    total = session.exec(select(func.count()).select_from(Candidate)).one()
    assert 0.2 <= len(rejected) / total <= 0.4
    assert rejected and all(c.reason_code and c.motivation for c in rejected)
    answers = dict(session.exec(
        select(ClientEvent.trigger, func.count()).group_by(col(ClientEvent.trigger))
    ).all())
    # Most clients accept the one-time offer; a few decline (validly or not), a few reinstated.
    assert answers["accept_offer"] > 5 * (answers["decline_offer"] + answers["refuse_offer"])
    assert answers["decline_offer"] and answers["refuse_offer"] and answers["reinstate"]


def test_candidates_plausibly_fit_the_dwelling_they_were_proposed_for(demo):
    session, _report = demo
    rows = session.exec(
        select(Candidate, Client, Dwelling)
        .join(Client, col(Client.id) == Candidate.client_id)
        .join(Dwelling, col(Dwelling.id) == Candidate.dwelling_id)
    ).all()
    assert len(rows) >= 100, len(rows)  # the demo year's rounds, not a handful
    for _candidate, client, dwelling in rows:
        assert dwelling.wijk not in client.excluded_wijken
        assert client.phase == dwelling.designation
        assert client.adults + client.children <= 2 * dwelling.rooms
        if dwelling.lease_type == "flip":
            assert client.flip_lease_ok


def test_leases_of_every_type_are_at_every_stage_after_the_last_tick(demo):
    session, report = demo
    flip = _by_state(session, Lease, Lease.lease_type == "flip")
    campus = _by_state(session, Lease, Lease.lease_type == "campus")
    assert {"active", "review_due", "extended", "transferred"} <= set(flip)
    assert {"active", "ending"} <= set(campus)
    assert report.leases_by_type_and_state["flip"] == flip
    institution = session.exec(
        select(func.count()).select_from(Lease).where(Lease.is_institution)
    ).one()
    assert institution > 0
    let = session.exec(
        select(Dwelling, Lease).join(Lease, col(Lease.dwelling_id) == Dwelling.id)
    ).all()
    assert len(let) >= 100, len(let)
    assert any(d.designation == "instroom" for d, _lease in let)
    for dwelling, lease in let:
        assert lease.lease_type == dwelling.lease_type
        if dwelling.designation == "instroom":
            assert lease.lease_type == "flip"


def test_every_workflow_row_is_in_the_state_of_its_last_event(demo):
    session, _report = demo
    for model, event, key in HISTORIES:
        last = select(key.label("row_id"), func.max(event.id).label("last_id")).group_by(key)
        last_ids = last.subquery()
        rows = session.exec(
            select(model.state, event.to_state)
            .join(last_ids, last_ids.c.row_id == model.id)
            .join(event, col(event.id) == last_ids.c.last_id)
        ).all()
        assert rows, model.__name__
        assert len(rows) == session.exec(select(func.count()).select_from(model)).one()
        assert all(state == to_state for state, to_state in rows), model.__name__


def test_the_history_happened_within_the_demo_years_not_at_build_time(demo):
    session, _report = demo
    for _model, event, _key in HISTORIES:
        first, last = session.exec(select(func.min(event.at), func.max(event.at))).one()
        assert datetime(2020, 1, 1) <= _naive(first) <= _naive(last) <= DEMO_END
    for model in (Dwelling, Client, User):
        newest = session.exec(select(func.max(model.created_at))).one()
        assert _naive(newest) <= DEMO_END, model.__name__


def test_one_login_per_role_is_reported_with_the_printed_password(demo):
    session, report = demo
    assert [login.role for login in report.logins] == [
        "corporation", "matcher", "care_provider", "analyst", "admin"]
    summary = report.summary()
    assert DEMO_PASSWORD in summary
    for login in report.logins:
        user = session.exec(select(User).where(User.email == login.email)).one()
        assert verify_password(user, login.password)
        assert login.email in summary
    matcher = session.exec(select(User).where(User.email == "matcher@demo.example")).one()
    assert matcher.contingent_manager
    assert report.service_users  # the other organisations act through their own users


def test_loading_the_demo_twice_is_refused_and_changes_nothing(demo):
    session, _report = demo
    before = _fingerprint(session)
    with pytest.raises(ValueError, match="demo data is already loaded"):
        build_demo(session)
    assert _fingerprint(session) == before


def test_two_builds_on_empty_databases_give_the_same_data(demo, tmp_path_factory):
    session, report = demo
    url, again = _fresh_demo(tmp_path_factory, "demo-again")
    with Session(get_engine(url)) as other:
        assert _fingerprint(other) == _fingerprint(session)
    get_engine(url).dispose()
    assert again == report


def _naive(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


def test_the_demo_users_are_told_what_happened_and_have_read_all_but_the_last_week(demo):
    from datetime import UTC, timedelta

    from matching.demo import LOGINS
    from matching.models import Notice, Notification

    session, _report = demo
    week_before_the_end = DEMO_END.replace(tzinfo=UTC) - timedelta(days=7)
    kinds = set(session.exec(select(Notice.kind)).all())
    assert {"round_opened", "round_decided", "referral_received", "flip_review_3m"} <= kinds
    working = [email for email, _org, role, _manager in LOGINS
               if role in ("corporation", "matcher", "care_provider")]
    assert working
    unread_total = 0
    for email in working:
        user = session.exec(select(User).where(User.email == email)).one()
        rows = session.exec(select(Notification, Notice).join(
            Notice, col(Notice.id) == col(Notification.notice_id))
            .where(Notification.user_id == user.id)).all()
        assert rows, f"{email} has no notifications"
        unread = [notice for notification, notice in rows if notification.read_at is None]
        assert all(n.created_at.replace(tzinfo=UTC) > week_before_the_end for n in unread)
        unread_total += len(unread)
    assert unread_total > 0  # the bell has news to show


def test_the_year_is_live_on_its_last_day_with_rounds_waiting_and_exactly_one_overdue(demo):
    session, _report = demo
    open_rounds = session.exec(select(Proposal).where(Proposal.state == "open")).all()
    assert len(open_rounds) >= 2  # a few rounds wait for the corporation
    assert all(r.deadline is not None and r.deadline >= DEMO_DAY for r in open_rounds)
    overdue = session.exec(select(Proposal).where(Proposal.state == "overdue")).all()
    assert len(overdue) == 1
    assert overdue[0].deadline is not None
    assert 0 < (DEMO_DAY - overdue[0].deadline).days <= 10  # late by days, not by months
    # Offers wait for the client's answer, and flip leases come up for review soon.
    assert session.exec(select(func.count()).select_from(Dwelling)
                        .where(Dwelling.state == "matched")).one() >= 1
    upcoming = session.exec(select(func.count()).select_from(Lease).where(
        Lease.lease_type == "flip", col(Lease.review_on) >= DEMO_DAY,
        col(Lease.review_on) <= date(2026, 9, 30))).one()
    assert upcoming >= 1


def test_contingents_are_set_for_every_year_the_demo_spans(demo):
    from matching.models import Contingent

    session, _report = demo
    years = set(session.exec(select(Contingent.year)).all())
    assert years == {2025, 2026}


def test_the_printed_care_provider_has_clients_among_the_printed_corporations_suggestions(demo):
    from matching.demo import LOGINS
    from matching.engine.suggest import suggest
    from matching.models import Organisation

    session, _report = demo
    org_of = {role: org for _email, org, role, _manager in LOGINS}
    ids = {o.name: o.id for o in session.exec(select(Organisation))}
    queued = session.exec(select(Dwelling).where(
        Dwelling.corporation_id == ids[org_of["corporation"]],
        col(Dwelling.state).in_(["submitted", "proposed"]))).all()
    assert queued, "the printed corporation has no dwelling in the matcher's queue"
    providers = {s.client.care_provider_id for d in queued
                 for s in suggest(session, d, today=DEMO_DAY, limit=10).suggestions}
    assert ids[org_of["care_provider"]] in providers
