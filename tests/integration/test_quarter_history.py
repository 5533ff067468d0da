"""A past quarter's figures describe its last day, rebuilt from the event history, so they do
not move as time passes; a closed quarter is frozen; late history shows as corrections."""

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session

from matching import history
from matching.reports import quarter_report
from matching.reports.export import to_csv
from matching.services.clients import hold_client, withdraw_client
from matching.services.closing import close_quarter
from matching.services.dwellings import (
    create_dwelling,
    record_offer_answer,
    submit_dwelling,
    withdraw_dwelling,
)
from matching.services.errors import Conflict, PermissionDenied, ValidationFailed
from matching.services.leases import extend_lease, let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from tests.factories import ClientData, DwellingData
from tests.integration.test_reports import at, quarter_with_one_letting  # noqa: F401
from tests.web.test_leases import let_flip_lease

GROUP = ClientData()["target_group"]


@pytest.fixture
def world(quarter_with_one_letting):  # noqa: F811
    """2019Q3 as in test_reports, plus a Mitros flip lease (review 1 September 2021) and a
    Mitros dwelling submitted in September that is withdrawn later."""
    session, users = quarter_with_one_letting
    lease = let_flip_lease(session, users["mitros"], users["matcher"], users["lister"])
    dwelling = create_dwelling(session, data=DwellingData(), actor=users["mitros"],
                               now=at(date(2019, 9, 2)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=users["mitros"],
                    now=at(date(2019, 9, 2)))
    waiting = [c.id for c in session.exec(_waiting_clients()).all()]
    return session, users, {"lease": lease, "dwelling": dwelling, "waiting": waiting}


def _waiting_clients() -> Any:
    from sqlmodel import select

    from matching.models import Client

    return select(Client).where(Client.state == "waiting").order_by(Client.id)


def move_on(session: Session, users: dict, things: dict) -> None:
    """After 2019Q3: withdraw the dwelling, hold and withdraw clients, house one, and tick
    the flip lease into review and extend it."""
    mitros, matcher, lister = users["mitros"], users["matcher"], users["lister"]
    withdraw_dwelling(session, dwelling_id=things["dwelling"].id, reason="verkocht",
                      actor=mitros, now=at(date(2019, 10, 10)))
    first, second, third = things["waiting"][:3]
    hold_client(session, client_id=first, actor=lister, now=at(date(2019, 10, 15)))
    withdraw_client(session, client_id=second, reason="elders gehuisvest", actor=lister,
                    now=at(date(2019, 11, 1)))
    dwelling = create_dwelling(session, data=DwellingData(), actor=users["portaal"],
                               now=at(date(2019, 10, 1)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=users["portaal"],
                    now=at(date(2019, 10, 1)))
    round_ = propose_candidates(session, dwelling_id=dwelling.id, actor=matcher,
                                client_ids=[third], motivation="test", now=at(date(2019, 10, 2)))
    decide_candidate(session, proposal_id=round_.id, client_id=third, decision="accept",
                     actor=users["portaal"], now=at(date(2019, 10, 3)))
    record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted", actor=matcher,
                        now=at(date(2019, 10, 4)))
    let_dwelling(session, dwelling_id=dwelling.id, lease_start=date(2019, 11, 1),
                 lease_type="direct", actor=users["portaal"], now=at(date(2019, 10, 20)))
    run_tick(session, now=at(date(2021, 6, 16)))
    extend_lease(session, lease_id=things["lease"].id, review_on=date(2022, 3, 1),
                 reason="nog niet klaar", actor=lister, now=at(date(2021, 7, 1)))


def _without_moment(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "generated_at"}


@pytest.mark.parametrize("reader", ("matcher", "analyst", "mitros"))
def test_a_past_quarters_report_does_not_depend_on_the_day_it_is_asked(world, reader):
    session, users, things = world
    before = quarter_report(session, quarter="2019Q3", actor=users[reader],
                            today=date(2019, 10, 1))
    move_on(session, users, things)
    session.expire_all()
    after = quarter_report(session, quarter="2019Q3", actor=users[reader],
                           today=date(2022, 1, 1))
    assert _without_moment(after) == _without_moment(before)
    assert before["as_of"] == "2019-09-30" and not before["frozen"]
    assert before["corrections"] == []


def test_the_figures_are_those_of_the_quarters_last_day(world):
    session, users, things = world
    move_on(session, users, things)
    report = quarter_report(session, quarter="2019Q3", actor=users["matcher"],
                            today=date(2022, 1, 1))
    mitros = next(row for row in report["quotas"] if row["corporation"] == "Mitros")
    assert (mitros["submitted"], mitros["withdrawn"]) == (2, 0)  # withdrawn in October
    waiting = next(row for row in report["waiting"] if row["target_group"] == GROUP)
    assert waiting["waiting"] == 6  # as on 30 September: three of them moved on later
    assert report["leases"]["flip_active"] == 1
    assert report["leases"]["flip_review_due"] == 0  # due only in 2021
    now = quarter_report(session, quarter="2021Q3", actor=users["matcher"],
                         today=date(2022, 1, 1))
    assert now["leases"]["flip_review_due"] == 0 and now["leases"]["flip_active"] == 1
    assert now["leases"]["flip_extended_in_period"] == 1
    due = quarter_report(session, quarter="2021Q2", actor=users["matcher"],
                         today=date(2022, 1, 1))
    assert due["leases"]["flip_review_due"] == 1


def test_after_the_last_event_the_rows_own_states_give_the_replays_figures(world, monkeypatch):
    """A report as of a day after every event reads each row's state from the row instead of
    replaying the history (matching.history.states_then): the same figures, every one."""
    session, users, _things = world
    replayed: list[str] = []
    replay = history.states_as_of
    monkeypatch.setattr(history, "states_as_of", lambda model, *args, **kwargs: (
        replayed.append(model.__tablename__) or replay(model, *args, **kwargs)))
    reports = {}
    for reader in ("matcher", "analyst", "mitros"):
        from_rows = quarter_report(session, quarter="2019Q3", actor=users[reader],
                                   today=date(2019, 9, 30))
        reports[reader] = from_rows
        assert replayed == []
        with monkeypatch.context() as later:  # as if an event came after: the history then
            later.setattr(history, "latest_events",
                          lambda _session: defaultdict(lambda: at(date(2030, 1, 1))))
            from_history = quarter_report(session, quarter="2019Q3", actor=users[reader],
                                          today=date(2019, 9, 30))
        # (a corporation's report counts no waiting clients: only the agency's reads them)
        assert {"dwelling_event", "candidate_event", "lease_event"} <= set(replayed)
        replayed.clear()
        assert _without_moment(from_rows) == _without_moment(from_history)
    # The figures compared are not all zero.
    assert reports["matcher"]["leases"]["flip_active"] == 1
    assert reports["matcher"]["matching"]["rounds"] > 0
    assert any(row["waiting"] for row in reports["matcher"]["waiting"])


def test_a_closed_quarter_is_served_from_its_snapshot_byte_for_byte(world):
    session, users, things = world
    closed = close_quarter(session, quarter="2019Q3", actor=users["matcher"],
                           now=at(date(2019, 10, 2)))
    assert closed.quarter == "2019Q3"
    assert closed.closed_by["id"] == users["matcher"].id
    views = {reader: quarter_report(session, quarter="2019Q3", actor=users[reader])
             for reader in ("matcher", "analyst", "mitros")}
    assert all(view["frozen"] for view in views.values())
    assert views["mitros"]["scope"] == "own_figures"
    assert views["analyst"]["suppressed_below"] == 5
    csv = to_csv(views["matcher"])
    move_on(session, users, things)
    # Even history recorded late with a date inside the quarter leaves it as published.
    withdraw_client(session, client_id=things["waiting"][3], reason="vertrokken",
                    actor=users["lister"], now=at(date(2019, 9, 20)))
    session.expire_all()
    for reader, view in views.items():
        assert quarter_report(session, quarter="2019Q3", actor=users[reader]) == view
    assert to_csv(quarter_report(session, quarter="2019Q3", actor=users["matcher"])) == csv


def test_history_recorded_late_shows_as_a_correction_in_the_next_report(world):
    session, users, things = world
    close_quarter(session, quarter="2019Q3", actor=users["matcher"], now=at(date(2019, 10, 2)))
    move_on(session, users, things)  # time passing alone corrects nothing
    q4 = quarter_report(session, quarter="2019Q4", actor=users["matcher"],
                        today=date(2020, 1, 5))
    assert q4["corrections"] == []
    # A withdrawal entered now with its real date, 20 September 2019.
    withdraw_client(session, client_id=things["waiting"][3], reason="vertrokken",
                    actor=users["lister"], now=at(date(2019, 9, 20)))
    q4 = quarter_report(session, quarter="2019Q4", actor=users["matcher"],
                        today=date(2020, 1, 5))
    published = quarter_report(session, quarter="2019Q3", actor=users["matcher"])
    shown = next(r for r in published["waiting"] if r["target_group"] == GROUP)["waiting"]
    assert {"quarter": "2019Q3", "figure": f"waiting.{GROUP}.waiting",
            "published": shown, "current": shown - 1} in q4["corrections"]
    assert all(c["quarter"] == "2019Q3" for c in q4["corrections"])
    # The corporation's own view has no client figures, so nothing to correct for it.
    assert quarter_report(session, quarter="2019Q4", actor=users["mitros"],
                          today=date(2020, 1, 5))["corrections"] == []
    # Closing 2019Q4 freezes the corrections as they were then.
    close_quarter(session, quarter="2019Q4", actor=users["matcher"], now=at(date(2020, 1, 6)))
    frozen = quarter_report(session, quarter="2019Q4", actor=users["matcher"])
    assert frozen["frozen"] and frozen["corrections"] == q4["corrections"]


def test_only_the_agency_closes_an_ended_quarter_once(world):
    session, users, _things = world
    for reader in ("mitros", "analyst", "lister"):
        with pytest.raises(PermissionDenied):
            close_quarter(session, quarter="2019Q3", actor=users[reader],
                          now=at(date(2019, 10, 2)))
    with pytest.raises(Conflict, match="not ended"):
        close_quarter(session, quarter="2019Q3", actor=users["matcher"],
                      now=datetime(2019, 9, 30, 20, tzinfo=UTC))  # 22:00 in Utrecht
    with pytest.raises(ValidationFailed):
        close_quarter(session, quarter="2019-3", actor=users["matcher"])
    close_quarter(session, quarter="2019Q3", actor=users["matcher"], now=at(date(2019, 10, 1)))
    with pytest.raises(Conflict, match="closed already"):
        close_quarter(session, quarter="2019Q3", actor=users["matcher"],
                      now=at(date(2019, 10, 2)))
