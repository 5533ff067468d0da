"""Scenario 14 of the domain brief (s8): the corporation hotel exit [001].

- A family of 4 cannot be placed in the family hotel (at most 3 persons).
- A single person's stay reaches 12 months without housing: a one-time-offer case at the
  agency (Het Vierde Huis), flagged in its queue and told once however often `tick` runs.
- Once housed, the client counts toward the hotel-outflow line of 30 a year.

The seeds give the 3 persons, the 12 months and the 30 a year ([001]; seeds/target_groups.csv
names the 12 months and the 30). The dates of the stay are this test's own (the seeds give
none)."""

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from matching.models import Client, Notice, TargetGroup
from matching.reports.build import year_report
from matching.services.errors import ValidationFailed
from matching.services.hotels import (
    FAMILY_HOTEL_MAX_PERSONS,
    HOTEL_OUTFLOW_PER_YEAR,
    HOTEL_STAY_MONTHS,
    clients_due_one_time_offer,
    one_time_offer_due,
)
from matching.services.leases import let_dwelling
from matching.services.timers import run_tick
from tests.world import World, at

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
STAY_BEGAN = date(2018, 8, 1)
TWELVE_MONTHS_ON = date(2019, 8, 1)


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def _clients(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Client)).one()


def _one_time_offers(session: Session) -> list[Notice]:
    return list(session.exec(select(Notice).where(Notice.kind == "one_time_offer")))


def test_scenario_14_family_of_four_refused_and_a_year_in_the_hotel_gives_a_one_time_offer(
    world: World,
):
    session = world.session
    # The seeds' own numbers: 3 persons, 12 months, 30 a year.
    assert (FAMILY_HOTEL_MAX_PERSONS, HOTEL_STAY_MONTHS, HOTEL_OUTFLOW_PER_YEAR) == (3, 12, 30)
    assert session.get(TargetGroup, "corporatiehotel") is not None
    with (SEEDS / "target_groups.csv").open(encoding="utf-8") as seed:
        [source] = [row["source"] for row in csv.DictReader(seed)
                    if row["code"] == "corporatiehotel"]
    assert "30 dwellings a year" in source and "max 12 months" in source

    # A family of 4 is refused from the family hotel, and nothing is written.
    before = _clients(session)
    with pytest.raises(ValidationFailed) as refused:
        world.registered(target_group="corporatiehotel", adults=2, children=2,
                         hotel_kind="family", hotel_stay_since=STAY_BEGAN)
    assert "at most 3 persons" in refused.value.fields["hotel_kind"]
    assert _clients(session) == before
    # A family of 3 fits.
    family = world.registered(target_group="corporatiehotel", adults=1, children=2,
                              hotel_kind="family", hotel_stay_since=STAY_BEGAN)
    assert family.hotel_kind == "family"

    # A single person's stay reaches twelve months without housing.
    single = world.waiting(target_group="corporatiehotel", hotel_kind="single",
                           hotel_stay_since=STAY_BEGAN)
    run_tick(session, now=at(date(2019, 7, 31)))
    assert _one_time_offers(session) == []
    assert not one_time_offer_due(single, date(2019, 7, 31))

    for _ in range(3):  # however often tick runs: one case per stay
        run_tick(session, now=at(TWELVE_MONTHS_ON))
    # One case each: the single person, and the family of 3 (registered, not yet housed).
    notices = {n.subject_id: n for n in _one_time_offers(session)}
    assert sorted(notices) == sorted([single.id, family.id])
    notice = notices[single.id]
    assert notice.subject_type == "client"
    assert "Lister" in notice.params["care_provider"]
    assert set(notice.params) == {"care_provider"}  # no field of the client
    due = clients_due_one_time_offer(session, TWELVE_MONTHS_ON)
    assert single.id in [c.id for c in due]
    assert family.id in [c.id for c in due]

    # Housed: the case closes, and the client counts toward the 30-a-year line.
    dwelling, _client = world.matched(client=world.fresh(Client, single.id))
    world.answer(dwelling, "accepted")
    let_dwelling(session, dwelling_id=dwelling.id, lease_start=date(2019, 9, 1),
                 lease_type="direct", actor=world.portaal, now=world.tick())
    housed = world.fresh(Client, single.id)
    assert housed.state == "housed"
    assert not one_time_offer_due(housed, date(2019, 9, 2))
    run_tick(session, now=at(date(2019, 9, 2)))
    assert len(_one_time_offers(session)) == 2

    report = year_report(session, year=2019, actor=world.matcher, today=date(2019, 12, 31))
    outflow = report["hotel_outflow"]
    assert outflow["target_per_year"] == 30
    assert outflow["housed_year_to_date"] == 1
    assert outflow["housed_in_period"] == 1
    assert outflow["pct_of_target"] == pytest.approx(3.3)
    assert "[001]" in outflow["source"]
