"""Landlords without agreements cannot submit; a peak of earmarked submissions warns the
agency once per project and gets a release schedule within the monthly capacity."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from matching.models import (
    Dwelling,
    DwellingEvent,
    Notice,
    Notification,
    Organisation,
    YearParameter,
)
from matching.services.dwellings import create_dwelling, submit_dwelling
from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.submission_peaks import (
    NoAgreements,
    release_schedule,
    set_has_agreements,
    spread_over_months,
)
from tests.factories import DwellingData
from tests.world import World, at

PRIVATE = "Particuliere verhuurder Eendrachtlaan"


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def org_id(session: Session, name: str) -> int:
    found = session.exec(select(Organisation.id).where(Organisation.name == name)).one()
    assert found is not None
    return found


def small_peaks(session: Session, threshold: int = 3, capacity: int = 2) -> None:
    """A test plan for 2019 with a low threshold and capacity (the seeds: 50 and 32)."""
    for name, value in (("submission_peak_threshold", threshold),
                        ("agency_monthly_capacity", capacity)):
        row = session.get(YearParameter, (2019, name))
        assert row is not None, name
        row.value = Decimal(value)
    session.commit()


def earmarked(world: World, providers: list[int], complex_code: str = "PROJ-1",
              count: int = 1) -> list[Dwelling]:
    return [world.submitted(complex_code=complex_code,
                            earmarked_care_provider_ids=providers) for _ in range(count)]


def peak_notices(session: Session) -> list[Notice]:
    return list(session.exec(select(Notice).where(Notice.kind == "submission_peak")))


def test_the_seeded_private_landlord_has_no_agreements_and_the_corporations_do(reference):
    private = reference.exec(select(Organisation).where(Organisation.name == PRIVATE)).one()
    assert private.kind == "corporation" and private.has_agreements is False
    woonin = reference.exec(select(Organisation).where(Organisation.name == "Woonin")).one()
    assert woonin.kind == "corporation" and woonin.has_agreements is True
    singelzicht = reference.exec(
        select(Organisation).where(Organisation.name == "Singelzicht")).one()
    assert singelzicht.kind == "care_provider"


def test_a_landlord_without_agreements_may_draft_but_never_submit(world):
    landlord = world.user(PRIVATE, "corporation")
    draft = create_dwelling(world.session, data=DwellingData(), actor=landlord, now=world.tick())
    events_before = len(world.session.exec(
        select(DwellingEvent).where(DwellingEvent.dwelling_id == draft.id)).all())
    with pytest.raises(NoAgreements) as refused:
        submit_dwelling(world.session, dwelling_id=draft.id, actor=landlord, now=world.tick())
    assert isinstance(refused.value, ValidationFailed)
    assert "geen prestatieafspraken; aanbieden via WoningNet" in refused.value.fields[
        "corporation_id"]
    world.session.rollback()
    fresh = world.fresh(Dwelling, draft.id)
    assert fresh.state == "draft" and fresh.submitted_at is None and fresh.quarter is None
    assert len(world.session.exec(select(DwellingEvent).where(
        DwellingEvent.dwelling_id == draft.id)).all()) == events_before


def test_taking_the_agreements_away_stops_the_next_submission(world):
    portaal = world.session.get(Organisation, world.portaal.organisation_id)
    draft = world.draft()
    portaal.has_agreements = False
    world.session.commit()
    with pytest.raises(NoAgreements):
        submit_dwelling(world.session, dwelling_id=draft.id, actor=world.portaal)


def test_a_peak_warns_the_agency_once_per_project_and_only_above_the_threshold(world):
    small_peaks(world.session, threshold=3)
    matcher = world.matcher
    providers = [org_id(world.session, "Leger des Heils"), org_id(world.session, "Singelzicht")]
    first = earmarked(world, providers, count=3)
    assert peak_notices(world.session) == []  # three open: not above three
    fourth = earmarked(world, providers)[0]
    [notice] = peak_notices(world.session)
    assert notice.subject_type == "dwelling" and notice.subject_id == fourth.id
    assert notice.params["count"] == 4 and notice.params["project"] == "PROJ-1"
    assert notice.params["providers"] == "Leger des Heils, Singelzicht"
    assert "Portaal" in notice.params["corporation"]
    told = world.session.exec(select(Notification.user_id).where(
        Notification.notice_id == notice.id)).all()
    assert told == [matcher.id]
    earmarked(world, providers, count=2)  # the same project again: no second notice
    assert len(peak_notices(world.session)) == 1
    assert all(d.state == "submitted" for d in first)


def test_unearmarked_or_other_projects_do_not_count_toward_a_peak(world):
    small_peaks(world.session, threshold=2)
    lister = world.lister.organisation_id
    earmarked(world, [], count=4)  # no earmark: any provider's clients, no peak
    earmarked(world, [lister], complex_code="A", count=2)
    earmarked(world, [lister], complex_code="B", count=2)
    assert peak_notices(world.session) == []
    earmarked(world, [lister], complex_code="B")
    assert [n.params["project"] for n in peak_notices(world.session)] == ["B"]


def test_the_release_schedule_keeps_to_the_monthly_capacity(world):
    small_peaks(world.session, threshold=3, capacity=2)
    providers = [org_id(world.session, "Leger des Heils")]
    other = world.submitted()  # another open dwelling takes one place of the first month
    dwellings = earmarked(world, providers, count=5)
    schedule = release_schedule(world.session, dwelling_id=dwellings[0].id,
                                actor=world.matcher, now=at(date(2019, 7, 20)))
    assert schedule["open_dwellings"] == 5 and schedule["other_open_dwellings"] == 1
    assert schedule["is_peak"] is True and schedule["capacity"] == 2
    assert [(m["month"], m["release"]) for m in schedule["months"]] == [
        ("2019-07", 1), ("2019-08", 2), ("2019-09", 2)]
    assert schedule["months"][-1]["cumulative"] == 5
    assert schedule["earmarked_care_providers"] == [{"id": providers[0],
                                                     "name": "Leger des Heils"}]
    assert other.state == "submitted"
    # the owner sees its own project; another corporation does not learn it exists
    mine = release_schedule(world.session, dwelling_id=dwellings[0].id, actor=world.portaal,
                            now=at(date(2019, 7, 20)))
    assert mine["open_dwellings"] == 5
    with pytest.raises(NotFound):
        release_schedule(world.session, dwelling_id=dwellings[0].id, actor=world.mitros)
    with pytest.raises(PermissionDenied):
        release_schedule(world.session, dwelling_id=dwellings[0].id, actor=world.lister)


@pytest.mark.parametrize(("count", "capacity", "taken", "expected"), [
    (140, 92, 0, [92, 48]),
    (140, 92, 100, [0, 92, 48]),
    (10, 3, 1, [2, 3, 3, 2]),
    (0, 5, 0, []),
])
def test_spreading_over_months(count, capacity, taken, expected):
    months = spread_over_months(count, capacity, taken, date(2025, 11, 15))
    assert [m["release"] for m in months] == expected
    assert sum(expected) == count
    if months:
        assert months[0]["month"] == "2025-11"
        assert len(months) < 2 or months[1]["month"] == "2025-12"
        assert len(months) < 3 or months[2]["month"] == "2026-01"


def test_a_capacity_of_zero_is_refused():
    with pytest.raises(ValidationFailed):
        spread_over_months(3, 0, 0, date(2025, 1, 1))


def test_the_administrator_records_whether_a_landlord_has_agreements(world):
    private_id = org_id(world.session, PRIVATE)
    landlord = world.user(PRIVATE, "corporation")
    draft = create_dwelling(world.session, data=DwellingData(), actor=landlord)
    with pytest.raises(PermissionDenied):
        set_has_agreements(world.session, organisation_id=private_id, has_agreements=True,
                           actor=world.matcher)
    with pytest.raises(ValidationFailed):  # a care provider lets no dwellings
        set_has_agreements(world.session, organisation_id=world.lister.organisation_id,
                           has_agreements=False, actor=world.admin)
    set_has_agreements(world.session, organisation_id=private_id, has_agreements=True,
                       actor=world.admin)
    assert submit_dwelling(world.session, dwelling_id=draft.id, actor=landlord).state == (
        "submitted")


def test_a_submission_that_loses_the_race_to_tell_the_agency_still_goes_through(
        world, monkeypatch):
    """Two submissions of one project at once: the second finds the first's notice only when
    it writes its own (the check before saw none); it is submitted without a second one."""
    small_peaks(world.session, threshold=1)
    providers = [world.lister.organisation_id]
    earmarked(world, providers, count=2)
    assert len(peak_notices(world.session)) == 1
    monkeypatch.setattr("matching.services.submission_peaks.already_noticed",
                        lambda _session, _keys: set())
    [late] = earmarked(world, providers)
    assert world.fresh(Dwelling, late.id).state == "submitted"
    assert len(peak_notices(world.session)) == 1
