"""Scenario 15 (domain brief section 8), the spreading and City Deal parts.

Spreading: 2018's MO/BW lettings replayed through the workflow: 244 allocations, 55 in
Overvecht (22%), 18 in Kanaleneiland and 18 in Lunetten (7% each) [001]. The seeds' districts
are the ten Utrecht districts, so Kanaleneiland counts in Zuidwest and Lunetten in Zuid. The
documents do not split the other 153 lettings (PARAM): here Noordwest 34, Leidsche Rijn 30,
West 27, Oost 23, Noordoost 21, Binnenstad 13, Vleuten-De Meern 5. Overvecht is flagged as a
district to spare (22% of the social stock, 61% of the district social rent; seed
districts.csv).

City Deal 2019: its own contingent of 30 dwellings (seed allocation_targets.csv, [001]) with
nominations by the Citydeal-overleg, evaluated at the year end. How many clients the overleg
nominates and when they are housed is not in the seeds (PARAM): here 32 City Deal clients are
referred, the agency records the overleg's nomination of 31 of them, and 30 are housed in
2019, the thirtieth on 16 December, one of them without a nomination.
"""

import csv
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, select

from matching.db import get_engine
from matching.models import Client, District, User
from matching.reports import year_report
from matching.reports.citydeal import citydeal_year
from matching.reports.period import Reader
from matching.services.citydeal import record_citydeal_nomination
from matching.services.clients import approve_client
from matching.services.dwellings import record_offer_answer, submit_dwelling
from matching.services.imports import import_clients, import_dwellings
from matching.services.leases import let_dwelling
from matching.services.planning import contingent_overview
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.reference import load_reference
from matching.workdays import UTRECHT
from tests.factories import ClientData, DwellingData
from tests.world import World

SEEDS = Path(__file__).resolve().parents[3] / "seeds"

LETTINGS_2018 = {
    "Overvecht": 55, "Zuidwest": 18, "Zuid": 18,  # [001]: Kanaleneiland and Lunetten
    "Noordwest": 34, "Leidsche Rijn": 30, "West": 27, "Oost": 23, "Noordoost": 21,
    "Binnenstad": 13, "Vleuten-De Meern": 5,  # PARAM: the other 153
}


def local(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTRECHT).astimezone(UTC)


def referrals(session: Session, world: World, number: int, *, target_group: str,
              registered_on: date) -> list[Client]:
    """`number` new Lister clients of `target_group`, by import."""
    return import_clients(session, rows=[
        {**{k: v for k, v in ClientData().items() if not isinstance(v, list)},
         "target_group": target_group, "registered_on": registered_on}
        for _ in range(number)], actor=world.lister, now=local(registered_on, 9))


def let_through_the_workflow(session: Session, world: World, corporation: User,
                             clients: list[Client], lets: list[tuple[str, datetime]],
                             registered_on: date) -> None:
    """Let one dwelling per (district, moment) to each client in turn: the dwellings come in
    by import, then each goes approve, submit, propose, accept, offer accepted, let (a
    direct lease starting on the day of the letting)."""
    dwellings = import_dwellings(session, rows=[
        {**DwellingData(), "wijk": district, "available_from": registered_on}
        for district, _ in lets], actor=corporation, now=local(registered_on, 10))
    for client, dwelling, (_district, moment) in zip(clients, dwellings, lets, strict=True):
        approved, submitted, proposed, accepted, answered = (
            moment - timedelta(hours=hours) for hours in (6, 5, 4, 3, 2))
        approve_client(session, client_id=client.id, actor=world.matcher, now=approved)
        submit_dwelling(session, dwelling_id=dwelling.id, actor=corporation, now=submitted)
        proposal = propose_candidates(session, dwelling_id=dwelling.id, client_ids=[client.id],
                                      actor=world.matcher, now=proposed)
        decide_candidate(session, proposal_id=proposal.id, client_id=client.id,
                         decision="accept", actor=corporation, now=accepted)
        record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted",
                            actor=world.matcher, now=answered)
        let_dwelling(session, dwelling_id=dwelling.id, lease_start=moment.date(),
                     lease_type="direct", actor=corporation, now=moment)


def _spread(counts: dict[str, int], year: int) -> Iterable[tuple[str, datetime]]:
    for district, number in counts.items():
        for k in range(number):
            yield district, local(date(year, k % 12 + 1, 15))


@pytest.fixture
def quick(reference: Session, database_url: str) -> Iterator[Session]:
    """The reference session; on SQLite a database in memory-backed files instead, where
    there are: the replay commits some 1,700 times, and waiting for the disk on each would
    double its time."""
    shm = Path("/dev/shm")
    if not database_url.startswith("sqlite") or not shm.is_dir():
        yield reference
        return
    folder = Path(tempfile.mkdtemp(dir=shm))
    engine = get_engine(f"sqlite:///{folder / 'scenario15.sqlite'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_reference(session)
        yield session
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def test_scenario_15_spreading_of_2018_and_the_citydeal_contingent_of_2019(quick: Session):
    reference = quick
    world = World(reference)
    portaal = world.portaal

    # --- spreading: 2018's 244 MO/BW lettings --------------------------------------------------
    lets_2018 = list(_spread(LETTINGS_2018, 2018))
    let_through_the_workflow(
        reference, world, portaal,
        referrals(reference, world, len(lets_2018), target_group="mobw_uitstroom",
                  registered_on=date(2017, 11, 1)),
        lets_2018, registered_on=date(2017, 11, 1))
    report_2018 = year_report(reference, year=2018, actor=world.matcher, today=date(2019, 2, 1))
    spreading = {row["district"]: row for row in report_2018["spreading"]}
    assert sum(row["lettings"] for row in spreading.values()) == 244
    assert spreading["Overvecht"]["lettings"] == 55
    assert round(spreading["Overvecht"]["share_pct"]) == 22  # 22.5
    for neighbourhood_district in ("Zuidwest", "Zuid"):  # Kanaleneiland, Lunetten
        assert spreading[neighbourhood_district]["lettings"] == 18
        assert round(spreading[neighbourhood_district]["share_pct"]) == 7  # 7.4
    assert spreading["Overvecht"]["to_spare"] is True
    assert [d for d, row in spreading.items() if row["to_spare"]] == ["Overvecht"]
    overvecht = reference.get(District, "Overvecht")
    assert (overvecht.social_stock_share_pct, overvecht.to_spare) == (22, True)
    with (SEEDS / "districts.csv").open(encoding="utf-8") as seed:
        [row] = [row for row in csv.DictReader(seed) if row["name"] == "Overvecht"]
    assert "61% of the district is social rent" in row["source"]
    assert report_2018.get("citydeal") is None  # 2018 had no City Deal contingent

    # --- City Deal 2019: 30 dwellings, nominated by the Citydeal-overleg ------------------------
    agency = Reader(role="matcher", organisation_id=world.matcher.organisation_id)
    before = citydeal_year(reference, year=2019, as_of=date(2019, 1, 31), reader=agency)
    assert before is not None
    assert (before.target, before.nominated, before.housed, before.evaluated) == (30, 0, 0,
                                                                                   False)
    assert before.source.startswith("[001]")

    lets = [("Zuid", local(date(2019, 2 + k // 3, 10 + k % 3))) for k in range(29)]
    lets.append(("Oost", local(date(2019, 12, 16))))
    clients = referrals(reference, world, 32, target_group="citydeal",
                        registered_on=date(2019, 1, 7))
    housed, waiting = clients[:30], clients[30:]
    # The overleg nominated every client but the first, whom a care provider referred alone.
    for client in clients[1:]:
        record_citydeal_nomination(reference, client_id=client.id,
                                   nominated_on=date(2019, 1, 21), actor=world.matcher,
                                   now=local(date(2019, 1, 22), 9))
    let_through_the_workflow(reference, world, world.mitros, housed, lets,
                             registered_on=date(2019, 1, 7))
    assert {reference.get(Client, client.id).state for client in waiting} == {"registered"}

    on_15_december = citydeal_year(reference, year=2019, as_of=date(2019, 12, 15),
                                   reader=agency)
    assert on_15_december is not None
    assert (on_15_december.nominated, on_15_december.housed) == (31, 29)
    assert (on_15_december.remaining, on_15_december.met) == (1, False)
    assert on_15_december.evaluated is False

    # The year end: 30 housed of 30, the target met, the verdict final.
    report_2019 = year_report(reference, year=2019, actor=world.matcher,
                              today=date(2020, 1, 10))
    section = report_2019["citydeal"]
    assert (section["target"], section["housed"], section["nominated"]) == (30, 30, 31)
    assert section["housed_nominated"] == 29
    assert (section["evaluated"], section["met"], section["pct_of_target"]) == (True, True,
                                                                                100.0)
    # Its own contingent, not a care provider's row.
    rows = contingent_overview(reference, 2019)
    assert all(row.care_provider != "City Deal" for row in rows)
    assert {client.target_group for client in reference.exec(
        select(Client).where(Client.citydeal_nominated_on.is_not(None)))} == {"citydeal"}
