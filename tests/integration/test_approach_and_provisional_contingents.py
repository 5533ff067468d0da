"""The start of the approach (a pro-rated task an administrator confirms) and a new year that
never runs without contingents (provisional ones from the previous year's shares)."""

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from matching.engine.suggest import suggest
from matching.models import (
    Contingent,
    ContingentChange,
    Notice,
    Notification,
    Organisation,
    PolicyConfirmation,
)
from matching.services.approach import approach_plan, confirm_approach_start
from matching.services.errors import Conflict, PermissionDenied, ValidationFailed
from matching.services.planning import edit_contingent, set_default_contingents, year_quotas
from matching.services.provisional_contingents import (
    confirm_contingents,
    ensure_year_contingents,
    is_provisional,
    provisional_division,
)
from matching.services.timers import run_tick
from tests.world import World

NEW_YEAR = datetime(2020, 1, 1, 5, tzinfo=UTC)  # 06:00 in Utrecht, the tick's hour


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def _by_quarter(session: Session, year: int) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for row in year_quotas(session, year):
        totals[row.quarter] += row.quota
    return dict(totals)


def _org_id(session: Session, name: str) -> int:
    found = session.exec(select(Organisation.id).where(Organisation.name == name)).one()
    assert found is not None
    return found


# --- the start of the approach ---------------------------------------------------------------


def test_2019_shows_the_task_pro_rated_from_august_beside_the_full_year(world: World):
    plan = approach_plan(world.session, 2019)
    assert (plan.start_month, plan.first_quarter, plan.months) == (8, "2019Q3", 5)
    assert (plan.full_task, plan.pro_rated_task) == (385, 160)  # 385 x 5/12 = 160.4
    assert plan.full_quarters == (97, 96, 96, 96)
    assert plan.pro_rated_quarters == (0, 0, 64, 96)
    assert (plan.full_instroom, plan.pro_rated_instroom) == (77, 32)
    assert not plan.confirmed and plan.quarters_in_force == (97, 96, 96, 96)
    # From 2020 the approach runs the whole year: no policy choice to confirm.
    assert not approach_plan(world.session, 2020).starts_within_year


def test_once_confirmed_quarters_before_the_start_have_no_quota(world: World):
    assert _by_quarter(world.session, 2019) == {
        "2019Q1": 97, "2019Q2": 96, "2019Q3": 96, "2019Q4": 96}
    moment = datetime(2019, 8, 1, 9, tzinfo=UTC)
    confirm_approach_start(world.session, year=2019, actor=world.admin, now=moment)
    assert _by_quarter(world.session, 2019) == {
        "2019Q1": 0, "2019Q2": 0, "2019Q3": 64, "2019Q4": 96}
    assert sum(r.instroom_quota for r in year_quotas(world.session, 2019)) == 32
    plan = approach_plan(world.session, 2019)
    assert plan.confirmed and plan.confirmed_by == world.admin.email
    assert plan.confirmed_at is not None
    # 2020 is untouched: the whole year, four quarters.
    assert _by_quarter(world.session, 2020) == {
        "2020Q1": 97, "2020Q2": 96, "2020Q3": 96, "2020Q4": 96}


def test_only_an_administrator_confirms_and_only_once(world: World):
    with pytest.raises(PermissionDenied):
        confirm_approach_start(world.session, year=2019, actor=world.matcher)
    assert world.session.exec(select(PolicyConfirmation)).all() == []
    confirm_approach_start(world.session, year=2019, actor=world.admin)
    with pytest.raises(Conflict):
        confirm_approach_start(world.session, year=2019, actor=world.admin)
    with pytest.raises(Conflict):  # 2020 starts in January: nothing to confirm
        confirm_approach_start(world.session, year=2020, actor=world.admin)
    assert len(world.session.exec(select(PolicyConfirmation)).all()) == 1


# --- a new year never runs without contingents --------------------------------------------


def _contingents(session: Session, year: int) -> dict[int, Contingent]:
    session.expire_all()
    return {c.care_provider_id: c for c in session.exec(
        select(Contingent).where(Contingent.year == year))}


def _divide_2019(world: World) -> dict[int, int]:
    manager = world.matcher
    manager.contingent_manager = True
    world.session.add(manager)
    world.session.commit()
    lister = _org_id(world.session, "Lister")
    tussen = _org_id(world.session, "De Tussenvoorziening")
    edit_contingent(world.session, year=2019, care_provider_id=lister, contingent=100,
                    reason="besluit", actor=manager)
    edit_contingent(world.session, year=2019, care_provider_id=tussen, contingent=300,
                    reason="besluit", actor=manager)
    return {lister: 100, tussen: 300}


def test_the_first_tick_of_a_year_without_contingents_divides_it_by_last_years_shares(
        world: World):
    shares = _divide_2019(world)
    report = run_tick(world.session, now=NEW_YEAR)
    rows = _contingents(world.session, 2020)
    assert sum(r.contingent for r in rows.values()) == 385  # the 2020 task
    lister, tussen = shares
    # 100 : 300 of 385 by largest remainder: 96.25 and 288.75.
    assert (rows[lister].contingent, rows[tussen].contingent) == (96, 289)
    assert all(r.provisional and not r.manual for r in rows.values())
    assert report.provisional_contingents == len(rows)
    assert report.noticed.get("contingents_provisional") == 1
    assert is_provisional(world.session, 2020)
    changes = world.session.exec(select(ContingentChange).where(
        ContingentChange.year == 2020)).all()
    assert changes and all(c.reason.startswith("provisional:") for c in changes)
    # The agency and the contingent manager are told, once however often tick runs.
    run_tick(world.session, now=NEW_YEAR)
    [notice] = world.session.exec(select(Notice).where(
        Notice.kind == "contingents_provisional")).all()
    assert (notice.subject_type, notice.subject_id) == ("quarter", 20201)
    told = {n.user_id for n in world.session.exec(
        select(Notification).where(Notification.notice_id == notice.id))}
    assert world.matcher.id in told
    assert sum(r.contingent for r in _contingents(world.session, 2020).values()) == 385


def test_no_earlier_year_means_nothing_is_written_and_the_manager_divides_by_hand(
        world: World):
    assert provisional_division(world.session, 2020) is None
    assert ensure_year_contingents(world.session, year=2020, now=NEW_YEAR) is None
    assert _contingents(world.session, 2020) == {}
    assert run_tick(world.session, now=NEW_YEAR).provisional_contingents == 0


def test_suggestions_on_new_years_day_carry_a_provider_fairness_factor(world: World):
    _divide_2019(world)
    lister = world.lister
    dwelling = world.submitted()
    client = world.waiting(lister)
    # No tick ran yet: the ranking reads the provisional division in memory.
    assert _contingents(world.session, 2020) == {}
    found = suggest(world.session, dwelling, today=date(2020, 1, 1))
    mine = next(s for s in found.suggestions if s.client.id == client.id)
    assert "provider_fairness" in [f.name for f in mine.score.factors]
    # And after the tick wrote it.
    run_tick(world.session, now=NEW_YEAR)
    found = suggest(world.session, dwelling, today=date(2020, 1, 1))
    mine = next(s for s in found.suggestions if s.client.id == client.id)
    assert "provider_fairness" in [f.name for f in mine.score.factors]


def test_the_manager_confirms_the_provisional_contingents_or_divides_the_year_anew(
        world: World):
    _divide_2019(world)
    run_tick(world.session, now=NEW_YEAR)
    with pytest.raises(PermissionDenied):
        confirm_contingents(world.session, year=2020, actor=world.lister)
    confirm_contingents(world.session, year=2020, actor=world.matcher)
    assert not is_provisional(world.session, 2020)
    confirmation = world.session.get(PolicyConfirmation, (2020, "contingents"))
    assert confirmation is not None and confirmation.actor_user_id == world.matcher.id
    with pytest.raises(Conflict):  # nothing provisional left
        confirm_contingents(world.session, year=2020, actor=world.matcher)
    with pytest.raises(ValidationFailed):  # confirmed ones are not overwritten
        set_default_contingents(world.session, year=2020, actor=world.matcher)


def test_the_default_division_replaces_provisional_contingents(world: World):
    _divide_2019(world)
    run_tick(world.session, now=NEW_YEAR)
    set_default_contingents(world.session, year=2020, actor=world.matcher)
    rows = _contingents(world.session, 2020)
    assert sum(r.contingent for r in rows.values()) == 385
    assert not any(r.provisional for r in rows.values())
