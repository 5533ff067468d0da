"""Retention by `tick`: the personal fields of a client who left the process are erased
once the retention period has passed since the day they left, with a frozen clock; the
reports and statistics read exactly as before, and the access log keeps its rows."""

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from matching.db import get_engine
from matching.models import (
    AccessLog,
    AllocationTarget,
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    DwellingEvent,
    Lease,
    StatushouderTask,
    YearParameter,
)
from matching.reports import quarter_report, year_report
from matching.reports.allocation import allocation_report
from matching.reports.build import json_default
from matching.reports.statushouders import statushouder_half
from matching.services.clients import (
    hold_client,
    log_client_reads,
    reinstate_client,
    resume_client,
    withdraw_client,
)
from matching.services.leases import let_dwelling, transfer_lease
from matching.services.retention import erase_left_clients
from matching.services.timers import run_tick
from matching.vocabulary import as_utc
from matching.workdays import local_date
from matching.workflow import TransitionNotAllowed
from tests import conftest
from tests.races import race_in_sessions
from tests.world import LEASE_START, World, at

FROZEN = datetime(2030, 1, 1, tzinfo=UTC)  # the reports' "generated at", the same each time


@dataclasses.dataclass
class Left:
    world: World
    withdrawn: Client
    withdrawn_on: date
    refused: Client
    statushouder: Client
    flip: Lease
    waiting: Client


@pytest.fixture
def left(reference: Session, monkeypatch: pytest.MonkeyPatch) -> Left:
    """Summer 2019: a statushouder household housed (direct lease), a client rejected with a
    motivation, paused and then withdrawn, one who refused the offer, one housed with a flip
    lease, one still waiting; the withdrawn client's record was read twice."""
    monkeypatch.setattr("matching.reports.build.utcnow", lambda: FROZEN)
    w = World(reference)
    s = reference
    # A task and a verdeelbesluit for 2019, so that the statistics that count households
    # and lets per group have something to say about the summer's lettings.
    s.add(StatushouderTask(half_year="2019H2", task=100, source="test"))
    s.add(AllocationTarget(year=2019, group="Statushouders", target_group="statushouder",
                           places=10, source="test"))
    dwelling, statushouder = w.offer_accepted(target_group="statushouder", adults=2, children=2)
    let_dwelling(s, dwelling_id=dwelling.id, lease_start=LEASE_START, lease_type="direct",
                 actor=w.portaal, now=w.tick())
    withdrawn = w.waiting(excluded_wijken=["Zuid"], needs=["ground_floor"],
                          birth_year=1971, annual_income=14000)
    proposal = w.propose(w.submitted(), [withdrawn])
    w.decide(proposal, withdrawn, "reject", reason_code="other",
             motivation="schulden bij de vorige verhuurder")
    hold_client(s, client_id=withdrawn.id, reason="opname in een kliniek", actor=w.lister,
                now=w.tick())
    resume_client(s, client_id=withdrawn.id, reason="terug uit de kliniek", actor=w.lister,
                  now=w.tick())
    withdrawn_at = w.tick()
    withdraw_client(s, client_id=withdrawn.id, reason="woont bij familie in Zeist",
                    actor=w.lister, now=withdrawn_at)
    refused_dwelling, refused = w.matched()
    w.answer(refused_dwelling, "declined", reason_code="client_declined_offer", valid=False,
             motivation="durft niet terug naar de wijk van de ex-partner")
    flip = w.let("flip")
    waiting = w.waiting()
    for purpose in ("client list", "client record"):
        log_client_reads(s, actor=w.lister, client_ids=[withdrawn.id], purpose=purpose)
    s.commit()
    return Left(w, withdrawn, local_date(withdrawn_at), refused, statushouder, flip, waiting)


def reports(world: World) -> str:
    """Every report and statistic of 2019, as the JSON a reader gets."""
    s, matcher, analyst = world.session, world.matcher, world.analyst
    s.expire_all()
    figures: dict[str, Any] = {
        "quarter": quarter_report(s, quarter="2019Q3", actor=matcher, today=date(2030, 1, 1)),
        "quarter_suppressed": quarter_report(s, quarter="2019Q3", actor=analyst,
                                             today=date(2030, 1, 1)),
        "year": year_report(s, year=2019, actor=matcher, today=date(2030, 1, 1)),
        "allocation": allocation_report(s, year=2019, actor=matcher, as_of=date(2019, 12, 31)),
        "statushouders": dataclasses.asdict(statushouder_half(s, half="2019H2", actor=matcher)),
    }
    return json.dumps(figures, default=json_default, sort_keys=True)


def fresh(world: World, client: Client) -> Client:
    return world.fresh(Client, client.id)


def access_log_rows(session: Session, client_id: int) -> set[int]:
    session.expire_all()
    return set(session.exec(select(AccessLog.id).where(AccessLog.client_id == client_id)))


def free_texts(session: Session, client_id: int) -> list[str]:
    """Every reason and motivation written about the client, wherever it is kept."""
    session.expire_all()
    texts = [str(e.data.get(k)) for e in session.exec(
        select(ClientEvent).where(ClientEvent.client_id == client_id))
        for k in ("reason", "motivation") if e.data.get(k)]
    candidates = session.exec(select(Candidate).where(Candidate.client_id == client_id)).all()
    texts += [c.motivation for c in candidates if c.motivation]
    texts += [str(e.data["motivation"]) for e in session.exec(select(CandidateEvent).where(
        col(CandidateEvent.candidate_id).in_([c.id for c in candidates])))
        if e.data.get("motivation")]
    texts += [str(e.data["motivation"]) for e in session.exec(select(DwellingEvent).where(
        col(DwellingEvent.dwelling_id).in_([c.dwelling_id for c in candidates])))
        if e.data.get("client_id") == client_id and e.data.get("motivation")]
    return texts


def is_intact(client: Client) -> bool:
    return client.erased_at is None and client.birth_year is not None


def test_a_withdrawn_client_is_intact_the_day_before_and_erased_on_the_day(left: Left):
    w, s = left.world, left.world.session
    due = left.withdrawn_on + relativedelta(months=24)
    before = reports(w)
    reads = access_log_rows(s, left.withdrawn.id)
    assert len(reads) >= 2  # the two reads of the fixture, and whatever else was logged
    assert len(free_texts(s, left.withdrawn.id)) == 5  # rejection (2), hold, resume, withdraw

    run_tick(s, now=at(due - timedelta(days=1), hour=21))  # 23:00 in Utrecht, the day before
    client = fresh(w, left.withdrawn)
    assert is_intact(client)
    assert (client.birth_year, client.annual_income, client.needs, client.excluded_wijken) == (
        1971, 14000, ["ground_floor"], ["Zuid"])
    assert len(free_texts(s, left.withdrawn.id)) == 5

    report = run_tick(s, now=at(due, hour=0))  # 02:00 in Utrecht on the day
    client = fresh(w, left.withdrawn)
    assert report.erased >= 1
    assert (client.birth_year, client.annual_income, client.needs, client.excluded_wijken,
            client.preferred_wijken, client.flip_lease_ok, client.support_confirmed) == (
        None, None, [], [], [], False, False)
    assert as_utc(client.erased_at) == at(due, hour=0)
    assert free_texts(s, left.withdrawn.id) == []
    # What the statistics count stays: reference, group, household size, dates, history.
    assert (client.reference, client.target_group, client.adults, client.state) == (
        left.withdrawn.reference, left.withdrawn.target_group, left.withdrawn.adults,
        "withdrawn")
    assert [e.to_state for e in s.exec(select(ClientEvent).where(
        ClientEvent.client_id == client.id).order_by(col(ClientEvent.id)))] == [
        "registered", "waiting", "proposed", "waiting", "on_hold", "waiting", "withdrawn"]
    assert s.exec(select(Candidate.reason_code).where(
        Candidate.client_id == client.id)).all() == ["other"]
    assert access_log_rows(s, client.id) >= reads  # not one row of the log is lost
    erasure = s.exec(select(AccessLog).where(AccessLog.client_id == client.id,
                                             AccessLog.action == "delete")).one()
    assert erasure.user_id is None and "annual_income" in erasure.fields_touched.split(",")
    assert reports(w) == before


def test_the_reports_and_statistics_read_the_same_after_every_erasure(left: Left):
    w, s = left.world, left.world.session
    before = reports(w)
    report = run_tick(s, now=at(date(2030, 1, 1)))
    erased = {c.id for c in s.exec(select(Client).where(col(Client.erased_at).is_not(None)))}
    assert erased == {left.withdrawn.id, left.refused.id, left.statushouder.id}
    assert report.erased == 3
    assert fresh(w, left.statushouder).adults + fresh(w, left.statushouder).children == 4
    assert reports(w) == before


def test_running_retention_twice_changes_nothing(left: Left):
    w, s = left.world, left.world.session
    due = at(left.withdrawn_on + relativedelta(months=24))
    run_tick(s, now=due)
    erased = fresh(w, left.withdrawn)
    version, erased_at = erased.version, erased.erased_at
    for later in (due, due + timedelta(minutes=1)):
        assert run_tick(s, now=later).erased == 0
    everybody = due + timedelta(days=400)
    # The others' turn: the one who refused later, and the household housed from its
    # lease's start (1 September 2019); the flip lease still runs.
    assert run_tick(s, now=everybody).erased == 2
    assert fresh(w, left.refused).erased_at is not None
    assert fresh(w, left.statushouder).erased_at is not None
    assert run_tick(s, now=everybody).erased == 0
    again = fresh(w, left.withdrawn)
    assert (again.version, again.erased_at) == (version, erased_at)


def test_clients_still_in_the_process_keep_their_fields_however_long_it_takes(left: Left):
    w, s = left.world, left.world.session
    run_tick(s, now=at(date(2035, 1, 1)))
    assert is_intact(fresh(w, left.waiting))
    flip_client = w.fresh(Client, left.flip.client_id)
    assert flip_client.state == "housed"
    assert is_intact(flip_client)  # its flip lease still runs: the care provider is tenant


def test_a_flip_lease_client_is_erased_the_retention_period_after_the_transfer(left: Left):
    w, s = left.world, left.world.session
    lease = left.flip
    assert lease.review_on is not None
    run_tick(s, now=at(lease.review_on - relativedelta(months=3)))
    transferred_on = lease.review_on
    transfer_lease(s, lease_id=lease.id, on=transferred_on, actor=w.matcher,
                   now=at(lease.review_on - relativedelta(months=2)))
    due = transferred_on + relativedelta(months=24)
    run_tick(s, now=at(due - timedelta(days=1)))
    assert is_intact(w.fresh(Client, lease.client_id))
    run_tick(s, now=at(due))
    assert w.fresh(Client, lease.client_id).erased_at is not None


def test_a_client_who_refused_the_offer_is_erased_and_cannot_be_reinstated(left: Left):
    w, s = left.world, left.world.session
    assert free_texts(s, left.refused.id) != []  # the reason given for declining the offer
    run_tick(s, now=at(date(2030, 1, 1)))
    client = fresh(w, left.refused)
    assert (client.state, client.annual_income) == ("offer_refused", None)
    assert free_texts(s, left.refused.id) == []
    with pytest.raises(TransitionNotAllowed):
        reinstate_client(s, client_id=client.id, motivation="toch een geldige reden",
                         actor=w.matcher, now=at(date(2030, 1, 2)))
    assert fresh(w, left.refused).state == "offer_refused"


def test_the_retention_period_is_a_year_parameter(left: Left):
    w, s = left.world, left.world.session
    year = left.withdrawn_on.year + 1
    s.add(YearParameter(year=year, name="retention_months", value=Decimal(12)))
    s.commit()
    due = left.withdrawn_on + relativedelta(months=12)
    run_tick(s, now=at(due - timedelta(days=1)))
    assert is_intact(fresh(w, left.withdrawn))
    run_tick(s, now=at(due))
    assert fresh(w, left.withdrawn).erased_at is not None


@pytest.mark.skipif(not conftest.POSTGRES_URL,
                    reason="row locks need PostgreSQL: set MATCHING_TEST_POSTGRES_URL")
def test_two_ticks_at_once_erase_each_client_exactly_once(pg_url: str):
    with Session(get_engine(pg_url), expire_on_commit=False) as session:
        w = World(session)
        moments = []
        for _ in range(6):
            client = w.waiting()
            moments.append(w.tick())
            withdraw_client(session, client_id=client.id, reason="verhuisd", actor=w.lister,
                            now=moments[-1])
    later = at(local_date(moments[-1]) + relativedelta(months=24))

    def one_tick(session: Session) -> int:
        return erase_left_clients(session, now=later).erased

    first, second = race_in_sessions(pg_url, one_tick, one_tick, allowed=())
    assert first + second == 6
    with Session(get_engine(pg_url)) as session:
        erased = session.exec(select(Client.erased_at)).all()
    assert len(erased) == 6 and set(erased) == {later}
