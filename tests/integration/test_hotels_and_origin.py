"""Corporation hotels and the municipality of origin in the services and the reports:
the checks of the fields, the agency told once per stay, each municipality's own inflow
(with the municipality's small counts hidden), and retention."""

from datetime import date

import pytest
from sqlmodel import Session, col, select

from matching.models import Client, Notice, Notification
from matching.reports.build import quarter_report
from matching.services.clients import update_client
from matching.services.errors import ValidationFailed
from matching.services.timers import run_tick
from tests.factories import ClientData
from tests.world import World, at


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def test_the_hotel_fields_belong_to_the_hotel_group_only(world: World):
    with pytest.raises(ValidationFailed) as elsewhere:
        world.registered(hotel_kind="single", hotel_stay_since=date(2019, 1, 1))
    assert set(elsewhere.value.fields) == {"hotel_kind", "hotel_stay_since"}
    with pytest.raises(ValidationFailed) as couple:
        world.registered(target_group="corporatiehotel", adults=2, hotel_kind="single",
                         hotel_stay_since=date(2019, 1, 1))
    assert "single hotel takes one person" in couple.value.fields["hotel_kind"]
    with pytest.raises(ValidationFailed) as future:
        world.registered(target_group="corporatiehotel", hotel_kind="single",
                         hotel_stay_since=date(2100, 1, 1))
    assert set(future.value.fields) == {"hotel_stay_since"}
    assert world.session.exec(select(Client)).all() == []


def test_editing_a_hotel_family_to_four_persons_is_refused_and_changes_nothing(world: World):
    family = world.registered(target_group="corporatiehotel", adults=1, children=2,
                              hotel_kind="family", hotel_stay_since=date(2019, 1, 1))
    data = ClientData(reference=family.reference, target_group="corporatiehotel", adults=2,
                      children=2, hotel_kind="family", hotel_stay_since=date(2019, 1, 1))
    with pytest.raises(ValidationFailed):
        update_client(world.session, client_id=family.id, data=data, actor=world.lister)
    assert (world.fresh(Client, family.id).adults, world.fresh(Client, family.id).children) == (
        1, 2)


def test_the_agency_alone_is_told_once_per_stay(world: World):
    client = world.waiting(target_group="corporatiehotel", hotel_kind="single",
                           hotel_stay_since=date(2018, 7, 1))
    matcher, lister = world.matcher, world.lister
    run_tick(world.session, now=at(date(2019, 7, 1)))
    run_tick(world.session, now=at(date(2019, 7, 2)))
    told = world.session.exec(
        select(Notification.user_id).join(Notice, col(Notice.id) == Notification.notice_id)
        .where(Notice.kind == "one_time_offer")).all()
    assert told == [matcher.id]
    assert lister.id not in told
    # A new stay (the date corrected) is a new cause.
    data = ClientData(reference=client.reference, target_group="corporatiehotel",
                      hotel_kind="single", hotel_stay_since=date(2018, 6, 1))
    update_client(world.session, client_id=client.id, data=data, actor=world.lister)
    run_tick(world.session, now=at(date(2019, 7, 3)))
    assert len(world.session.exec(select(Notice).where(Notice.kind == "one_time_offer")).all()
               ) == 2


def test_each_municipality_of_origin_shows_its_own_inflow(world: World):
    for origin in ["Utrecht"] * 6 + ["Zeist"] * 5 + ["Houten"] * 2 + [None]:
        world.registered(origin_municipality=origin, registered_on=date(2019, 7, 15))
    world.registered(origin_municipality="Zeist", registered_on=date(2019, 10, 1))  # Q4

    report = quarter_report(world.session, quarter="2019Q3", actor=world.matcher,
                            today=date(2019, 9, 30))
    rows = {r["municipality"]: r for r in report["origin_inflow"]}
    assert list(rows) == ["Utrecht", "Houten", "Zeist", "unknown"]
    assert {name: r["registered"] for name, r in rows.items()} == {
        "Utrecht": 6, "Houten": 2, "Zeist": 5, "unknown": 1}

    analyst = quarter_report(world.session, quarter="2019Q3", actor=world.analyst,
                             today=date(2019, 9, 30))
    shown = {r["municipality"]: r["registered"] for r in analyst["origin_inflow"]}
    assert shown["Houten"] is None and shown["unknown"] is None  # 1 to 4 clients hidden
    assert shown["Utrecht"] == 6
