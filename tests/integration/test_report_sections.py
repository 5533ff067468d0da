"""The report sections of issue 10, replayed through the services: 2018's spreading (Plan van
Aanpak 2019: of 244 MO/BW lettings, 55 in Overvecht), waiting per care provider, institution
flips against the 2019 targets, and a year report's backlog at the year's end."""

import io
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

import tests.conftest as conftest
from matching.db import get_engine
from matching.models import District, User
from matching.reports import quarter_report, year_report
from matching.reports.corrections import differences
from matching.reports.export import to_csv, to_xlsx
from matching.services.clients import approve_client, hold_client
from matching.services.closing import close_quarter
from matching.services.dwellings import record_offer_answer, submit_dwelling
from matching.services.imports import import_clients, import_dwellings
from matching.services.leases import let_dwelling, register_institution_lease
from matching.services.planning import year_quotas
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.reference import load_reference, organisation_by_name
from matching.workdays import UTRECHT
from tests.factories import ClientData, DwellingData
from tests.world import World, at

CITY = ("Binnenstad", "Leidsche Rijn", "Noordoost", "Noordwest", "Oost", "Overvecht", "West",
        "Vleuten-De Meern", "Zuid", "Zuidwest")

# 2018's 244 MO/BW lettings ([001]: 55 in Overvecht, 18 in Kanaleneiland (Zuidwest) and 18 in
# Lunetten (Zuid)); the documents do not split the other 153, so they are spread here, with
# two districts small enough to be suppressed for the municipality.
LETTINGS_2018 = {
    "Overvecht": 55, "Noordwest": 34, "Leidsche Rijn": 30, "West": 27, "Oost": 23,
    "Noordoost": 21, "Zuidwest": 18, "Zuid": 18, "Binnenstad": 13, "Vleuten-De Meern": 3,
    "Nieuwegein": 2,
}
MITROS_2018 = {"Overvecht": 10, "Noordwest": 9, "Zuidwest": 5}  # the rest is Portaal's


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment in Utrecht, as the services take it (UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTRECHT).astimezone(UTC)


def plan_2018() -> list[tuple[str, str, datetime]]:
    """(district, corporation, moment of letting) for each letting: each district's lets
    spread over the months, the 15th at noon; plus one let just before 2018 and one just
    after it (00:30 on New Year's Day in Utrecht is still 2018 in UTC)."""
    lets = []
    for district, number in LETTINGS_2018.items():
        for k in range(number):
            corporation = "Mitros" if k < MITROS_2018.get(district, 0) else "Portaal"
            lets.append((district, corporation, local(date(2018, k % 12 + 1, 15), 12)))
    lets.append(("Overvecht", "Portaal", local(date(2017, 12, 31), 23, 30)))
    lets.append(("Overvecht", "Portaal", local(date(2019, 1, 1), 0, 30)))
    return lets


def q1_count(number: int) -> int:
    """How many of a district's lets the plan puts in January to March."""
    return sum(1 for k in range(number) if k % 12 < 3)


def replay(session: Session, lets: list[tuple[str, str, datetime]]) -> dict[str, User]:
    """Let the planned dwellings through the services: the clients and dwellings come in as
    the imports bring them (one call each), then every dwelling goes its own way: approve
    the client, submit, propose, accept, record the offer's acceptance, let."""
    world = World(session)
    users = {"Mitros": world.user("Mitros", "corporation"),
             "Portaal": world.user("Portaal", "corporation"),
             "matcher": world.matcher, "analyst": world.analyst, "lister": world.lister}
    client_rows = [{**{k: v for k, v in ClientData().items() if not isinstance(v, list)},
                    "registered_on": date(2017, 10, 1)} for _ in lets]
    clients = import_clients(session, rows=client_rows, actor=users["lister"],
                             now=local(date(2017, 11, 1), 10))
    dwellings = []
    for corporation in ("Mitros", "Portaal"):
        rows = [{**DwellingData(), "wijk": district, "available_from": date(2017, 12, 1)}
                for district, owner, _ in lets if owner == corporation]
        dwellings.extend(import_dwellings(session, rows=rows, actor=users[corporation],
                                          now=local(date(2017, 11, 1), 11)))
    queues = {c: iter([d for d in dwellings if d.corporation_id == users[c].organisation_id])
              for c in ("Mitros", "Portaal")}
    matcher = users["matcher"]
    for client, (district, corporation, moment) in zip(clients, lets, strict=True):
        dwelling = next(queues[corporation])
        assert dwelling.wijk == district
        owner = users[corporation]
        approved, submitted, proposed, accepted, answered = (
            moment - timedelta(hours=hours) for hours in (6, 5, 4, 3, 2))
        approve_client(session, client_id=client.id, actor=matcher, now=approved)
        submit_dwelling(session, dwelling_id=dwelling.id, actor=owner, now=submitted)
        proposal = propose_candidates(session, dwelling_id=dwelling.id, client_ids=[client.id],
                                      actor=matcher, now=proposed)
        decide_candidate(session, proposal_id=proposal.id, client_id=client.id,
                         decision="accept", actor=owner, now=accepted)
        record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted",
                            actor=matcher, now=answered)
        let_dwelling(session, dwelling_id=dwelling.id, lease_start=moment.date(),
                     lease_type="direct", actor=owner, now=moment)
    return users


def _schema_url(base_url: str, schema: str) -> str:
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="module", params=["sqlite"] + (["postgres"] if conftest.POSTGRES_URL
                                                     else []))
def year_2018(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[tuple[Engine, dict[str, User]]]:
    """2018 replayed once per backend and only read by the tests (246 lets through the
    workflow take long). On PostgreSQL in a schema of its own, so the per-test schemas of the
    other tests do not touch it."""
    if request.param == "postgres":
        assert conftest.POSTGRES_URL
        _url, schema = conftest.postgres_schema_url(conftest.POSTGRES_URL)
        schema += "_spreading"
        with get_engine(conftest.POSTGRES_URL).begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _schema_url(conftest.POSTGRES_URL, schema)
    else:
        # In memory-backed files where there are: the replay commits some 1,500 times, and
        # waiting for the disk on each would double its time.
        shm = Path("/dev/shm")
        folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else (
            tmp_path_factory.mktemp("spreading"))
        url = f"sqlite:///{folder / 'year2018.sqlite'}"
    engine = get_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_reference(session)
        users = replay(session, plan_2018())
    yield engine, users
    engine.dispose()
    if request.param == "postgres":
        with get_engine(conftest.POSTGRES_URL).begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    else:
        shutil.rmtree(folder, ignore_errors=True)


def report_2018(year_2018: Any, reader: str, quarter: str | None = None) -> dict[str, Any]:
    engine, users = year_2018
    with Session(engine) as session:
        if quarter:
            return quarter_report(session, quarter=quarter, actor=users[reader])
        return year_report(session, year=2018, actor=users[reader])


def by_district(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["district"]: row for row in report["spreading"]}


# --- spreading --------------------------------------------------------------------------------


@pytest.mark.slow  # shares the replay of 2018 (246 lets through the workflow)
def test_2018_replays_55_of_244_lettings_in_overvecht_flagged_to_spare(year_2018):
    report = report_2018(year_2018, "matcher")
    rows = report["spreading"]
    assert rows[0] == {"district": "Overvecht", "lettings": 55, "share_pct": 22.5,
                       "social_stock_share_pct": 22.0, "to_spare": True, "suppressed": False}
    assert sum(row["lettings"] for row in rows) == 244  # not the lets of 2017 and 2019
    lines = by_district(report)
    assert (lines["Zuidwest"]["lettings"], lines["Zuidwest"]["share_pct"]) == (18, 7.4)
    assert (lines["Zuid"]["lettings"], lines["Zuid"]["share_pct"]) == (18, 7.4)
    assert lines["Zuidwest"]["social_stock_share_pct"] == 16.0
    assert [row["district"] for row in rows if row["to_spare"]] == ["Overvecht"]
    # The ten districts by lettings (ties by name), then the U16 municipality let in.
    assert [row["district"] for row in rows] == [
        "Overvecht", "Noordwest", "Leidsche Rijn", "West", "Oost", "Noordoost", "Zuid",
        "Zuidwest", "Binnenstad", "Vleuten-De Meern", "Nieuwegein"]
    assert set(CITY) < set(lines)
    assert lines["Nieuwegein"]["social_stock_share_pct"] is None
    assert {district: row["lettings"] for district, row in lines.items()} == LETTINGS_2018


@pytest.mark.slow  # shares the replay of 2018 (246 lets through the workflow)
def test_a_quarter_counts_the_lettings_of_its_own_days(year_2018):
    report = report_2018(year_2018, "matcher", "2018Q1")
    lines = by_district(report)
    assert lines["Overvecht"]["lettings"] == q1_count(55) == 15
    total = sum(q1_count(number) for number in LETTINGS_2018.values())
    assert sum(row["lettings"] for row in report["spreading"]) == total
    assert lines["Overvecht"]["share_pct"] == round(100 * 15 / total, 1)
    # A district without lettings in the quarter still has its row; the region's do not.
    assert set(lines) == set(CITY) | {"Nieuwegein"}  # Nieuwegein's two: January, February
    q4 = by_district(report_2018(year_2018, "matcher", "2018Q4"))
    assert "Nieuwegein" not in q4
    assert q4["Vleuten-De Meern"] == {
        "district": "Vleuten-De Meern", "lettings": 0, "share_pct": 0.0,
        "social_stock_share_pct": 4.0, "to_spare": False, "suppressed": False}


@pytest.mark.slow  # shares the replay of 2018 (246 lets through the workflow)
def test_the_municipality_sees_a_district_with_one_to_four_lettings_as_suppressed(year_2018):
    report = report_2018(year_2018, "analyst")
    lines = by_district(report)
    for district in ("Vleuten-De Meern", "Nieuwegein"):  # three and two lettings
        assert lines[district]["lettings"] is None and lines[district]["share_pct"] is None
        assert lines[district]["suppressed"]
    assert lines["Overvecht"]["lettings"] == 55 and lines["Overvecht"]["share_pct"] == 22.5
    # Their place in the list does not give them away: both sort as "under five", by name.
    assert [row["district"] for row in report["spreading"]][-2:] == [
        "Vleuten-De Meern", "Nieuwegein"]
    q4 = by_district(report_2018(year_2018, "analyst", "2018Q4"))
    assert q4["Vleuten-De Meern"]["lettings"] == 0 and not q4["Vleuten-De Meern"]["suppressed"]


@pytest.mark.slow  # shares the replay of 2018 (246 lets through the workflow)
def test_a_corporation_sees_the_spreading_of_its_own_lettings(year_2018):
    rows = report_2018(year_2018, "Mitros")["spreading"]
    assert [(row["district"], row["lettings"], row["share_pct"]) for row in rows[:3]] == [
        ("Overvecht", 10, 41.7), ("Noordwest", 9, 37.5), ("Zuidwest", 5, 20.8)]
    assert sum(row["lettings"] for row in rows) == 24
    assert [row["district"] for row in rows[3:]] == sorted(set(CITY) - set(MITROS_2018))
    portaal = by_district(report_2018(year_2018, "Portaal"))
    assert portaal["Overvecht"]["lettings"] == 45
    assert sum(row["lettings"] for row in portaal.values()) == 244 - 24


def test_the_to_spare_flag_comes_from_the_reference_data_and_reloading_changes_nothing(
        reference):
    flagged = reference.exec(select(District.name).where(col(District.to_spare).is_(True)))
    assert flagged.all() == ["Overvecht"]
    assert load_reference(reference).total_changes == 0


# --- waiting per care provider ----------------------------------------------------------------


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def waiting_clients(world: World) -> None:
    """Lister: three clients approved early in February, three early in May (median wait on
    30 June 100.5 days, half past three months); De Tussenvoorziening: two waiting and one
    on hold."""
    for start in (date(2019, 2, 1), date(2019, 5, 1)):
        world.now = at(start)
        for _ in range(3):
            world.waiting(registered_on=date(2019, 1, 15))
    world.now = at(date(2019, 6, 1))
    for _ in range(2):
        world.waiting(world.tussen, registered_on=date(2019, 1, 15))
    held = world.waiting(world.tussen, registered_on=date(2019, 1, 15))
    hold_client(world.session, client_id=held.id, actor=world.tussen, now=world.tick())


def test_waiting_per_care_provider_counts_each_providers_waiting_clients(world):
    waiting_clients(world)
    report = quarter_report(world.session, quarter="2019Q2", actor=world.matcher,
                            today=date(2019, 7, 15))
    rows = report["waiting_per_care_provider"]
    assert [row["care_provider"] for row in rows] == sorted(row["care_provider"] for row in rows)
    providers = {row["care_provider"]: row for row in rows}
    assert {"Lister", "De Tussenvoorziening", "Leger des Heils"} <= set(providers)
    assert providers["Lister"] == {
        "care_provider_id": world.lister.organisation_id, "care_provider": "Lister",
        "waiting": 6, "suppressed": False, "median_days": 100.5, "p90_days": 147,
        "share_past_three_months": 0.5}
    assert providers["De Tussenvoorziening"]["waiting"] == 2  # the third is on hold
    assert providers["Leger des Heils"]["waiting"] == 0
    assert providers["Leger des Heils"]["median_days"] is None
    # The same clients as the target-group rows count.
    assert sum(row["waiting"] for row in rows) == sum(r["waiting"] for r in report["waiting"])
    # As of the end of March, only the February clients waited.
    march = quarter_report(world.session, quarter="2019Q1", actor=world.matcher,
                           today=date(2019, 7, 15))
    lister = next(r for r in march["waiting_per_care_provider"] if r["care_provider"] == "Lister")
    assert (lister["waiting"], lister["median_days"]) == (3, 54)


def test_waiting_per_care_provider_is_suppressed_for_the_municipality_and_absent_for_landlords(
        world):
    waiting_clients(world)
    analyst = quarter_report(world.session, quarter="2019Q2", actor=world.analyst,
                             today=date(2019, 7, 15))
    providers = {row["care_provider"]: row for row in analyst["waiting_per_care_provider"]}
    assert providers["Lister"]["waiting"] == 6
    assert providers["De Tussenvoorziening"] == {
        "care_provider_id": world.tussen.organisation_id,
        "care_provider": "De Tussenvoorziening", "waiting": None, "suppressed": True,
        "median_days": None, "p90_days": None, "share_past_three_months": None}
    corporation = quarter_report(world.session, quarter="2019Q2", actor=world.portaal,
                                 today=date(2019, 7, 15))
    assert corporation["waiting_per_care_provider"] == []


# --- institution flips -------------------------------------------------------------------------


def register_flips(world: World, provider: User | str, starts: dict[date, int]) -> None:
    provider_id = provider.organisation_id if isinstance(provider, User) else (
        world.user(provider, "care_provider").organisation_id)
    for start, number in starts.items():
        for _ in range(number):
            register_institution_lease(world.session, care_provider_id=provider_id,
                                       address=f"Instellingslaan {next(_addresses)}",
                                       start_on=start, actor=world.portaal, now=at(start))


_addresses = count(1)


@pytest.fixture
def flips(world: World) -> World:
    """Institution dwellings flipped: Lister 3 in Q1, 5 in Q2, 2 in Q3, 1 in Q4 of 2019 (and
    one in December 2018); De Tussenvoorziening 10 in Q1 and 4 in Q3; Leger des Heils, which
    has no target, one in June."""
    register_flips(world, world.lister, {
        date(2018, 12, 1): 1, date(2019, 2, 1): 3, date(2019, 5, 1): 5, date(2019, 8, 1): 2,
        date(2019, 11, 1): 1})
    register_flips(world, world.tussen, {date(2019, 3, 1): 10, date(2019, 9, 1): 4})
    register_flips(world, "Leger des Heils", {date(2019, 6, 1): 1})
    return world


def test_institution_flips_per_provider_against_the_2019_targets_per_quarter(flips):
    world = flips
    q2 = quarter_report(world.session, quarter="2019Q2", actor=world.matcher,
                        today=date(2019, 7, 15))
    assert q2["institution_flips"] == [
        {"care_provider_id": world.tussen.organisation_id,
         "care_provider": "De Tussenvoorziening", "target": 90, "in_period": 0,
         "year_to_date": 10, "per_quarter": {"Q1": 10, "Q2": 0, "Q3": 0, "Q4": 0},
         "pct_of_target": 11.1, "suppressed": False},
        {"care_provider_id": organisation_by_name(world.session, "Leger des Heils").id,
         "care_provider": "Leger des Heils", "target": None, "in_period": 1,
         "year_to_date": 1, "per_quarter": {"Q1": 0, "Q2": 1, "Q3": 0, "Q4": 0},
         "pct_of_target": None, "suppressed": False},
        {"care_provider_id": world.lister.organisation_id, "care_provider": "Lister",
         "target": 45, "in_period": 5, "year_to_date": 8,
         "per_quarter": {"Q1": 3, "Q2": 5, "Q3": 0, "Q4": 0}, "pct_of_target": 17.8,
         "suppressed": False},
    ]
    year = year_report(world.session, year=2019, actor=world.matcher, today=date(2020, 1, 10))
    rows = {row["care_provider"]: row for row in year["institution_flips"]}
    assert (rows["Lister"]["in_period"], rows["Lister"]["pct_of_target"]) == (11, 24.4)
    assert rows["Lister"]["per_quarter"] == {"Q1": 3, "Q2": 5, "Q3": 2, "Q4": 1}
    assert (rows["De Tussenvoorziening"]["year_to_date"],
            rows["De Tussenvoorziening"]["pct_of_target"]) == (14, 15.6)
    # The municipality sees no quarter of 1 to 4 flips. De Tussenvoorziening's 4 in Q3 is
    # the only small one: beside the year's 14 it would follow from Q1's 10, so that goes too.
    seen = {row["care_provider"]: row for row in year_report(
        world.session, year=2019, actor=world.analyst, today=date(2020, 1, 10),
    )["institution_flips"]}
    assert seen["Lister"]["per_quarter"] == {"Q1": None, "Q2": 5, "Q3": None, "Q4": None}
    assert (seen["Lister"]["year_to_date"], seen["Lister"]["pct_of_target"]) == (11, 24.4)
    assert seen["De Tussenvoorziening"]["per_quarter"] == {
        "Q1": None, "Q2": 0, "Q3": None, "Q4": 0}
    assert seen["De Tussenvoorziening"]["suppressed"]
    assert (seen["Leger des Heils"]["year_to_date"], seen["Leger des Heils"]["in_period"],
            seen["Leger des Heils"]["suppressed"]) == (None, None, True)
    # The 2018 flip counts in 2018, where no target was set.
    old = year_report(world.session, year=2018, actor=world.matcher, today=date(2020, 1, 10))
    assert [(r["care_provider"], r["target"], r["in_period"])
            for r in old["institution_flips"]] == [("Lister", None, 1)]
    assert year_report(world.session, year=2019, actor=world.portaal,
                       today=date(2020, 1, 10))["institution_flips"] == []


def test_the_2019_targets_show_before_any_flip(world):
    report = quarter_report(world.session, quarter="2019Q1", actor=world.matcher,
                            today=date(2019, 1, 2))
    assert [(r["care_provider"], r["target"], r["year_to_date"], r["pct_of_target"])
            for r in report["institution_flips"]] == [
        ("De Tussenvoorziening", 90, 0, 0.0), ("Lister", 45, 0, 0.0)]


def test_a_flip_registered_late_in_a_closed_quarter_shows_as_a_correction(flips):
    world = flips
    close_quarter(world.session, quarter="2019Q1", actor=world.matcher,
                  now=at(date(2019, 4, 2)))
    frozen = quarter_report(world.session, quarter="2019Q1", actor=world.matcher)
    lister = next(r for r in frozen["institution_flips"] if r["care_provider"] == "Lister")
    assert frozen["frozen"] and lister["in_period"] == 3
    assert frozen["spreading"] and frozen["waiting_per_care_provider"]
    register_institution_lease(world.session, care_provider_id=world.lister.organisation_id,
                               address="Laat geregistreerd 1", start_on=date(2019, 3, 15),
                               actor=world.portaal, now=at(date(2019, 5, 2)))
    q2 = quarter_report(world.session, quarter="2019Q2", actor=world.matcher,
                        today=date(2019, 7, 15))
    assert {"quarter": "2019Q1", "figure": "institution_flips.Lister.in_period",
            "published": 3, "current": 4} in q2["corrections"]
    assert {"quarter": "2019Q1", "figure": "institution_flips.Lister.per_quarter.Q1",
            "published": 3, "current": 4} in q2["corrections"]
    assert quarter_report(world.session, quarter="2019Q1", actor=world.matcher) == frozen


def test_a_snapshot_from_before_the_new_sections_lists_no_corrections_for_them():
    published = {"quotas": [{"corporation": "Mitros", "corporation_id": 1, "backlog": 2}],
                 "waiting": [], "leases": {"flip_active": 1}}
    current = {"quotas": [{"corporation": "Mitros", "corporation_id": 1, "backlog": 2,
                           "instroom_backlog": 1}],
               "waiting": [{"target_group": "urgent", "label": "Urgent", "waiting": 5}],
               "leases": {"flip_active": 2, "institution_flips": 3},
               "spreading": [{"district": "Overvecht", "lettings": 5, "to_spare": True}]}
    assert differences("2019Q1", published, current) == [
        {"quarter": "2019Q1", "figure": "leases.flip_active", "published": 1, "current": 2},
        # An empty section published: a row in it now is a real change.
        {"quarter": "2019Q1", "figure": "waiting.urgent.waiting", "published": None,
         "current": 5},
    ]


def test_the_report_with_the_new_sections_exports_to_csv_and_xlsx(flips):
    report = year_report(flips.session, year=2019, actor=flips.matcher, today=date(2020, 1, 10))
    assert "per_quarter.Q3" in to_csv(report)  # a quarter's figure in a cell of its own
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    sheet = book["institution_flips"]
    header = [cell.value for cell in sheet[1]]
    lister = [cell.value for cell in sheet[4]]
    assert lister[header.index("per_quarter.Q3")] == 2 and lister[header.index("target")] == 45
    assert book["spreading"].max_row == 1 + len(CITY)


# --- the year's backlog --------------------------------------------------------------------------


def submit(world: World, corporation: User, day: date, uitstroom: int, instroom: int) -> None:
    world.now = at(day)
    for designation, number in (("uitstroom", uitstroom), ("instroom", instroom)):
        for _ in range(number):
            world.submitted(corporation, designation=designation)


def test_a_year_reports_the_shortfall_at_its_end_not_the_backlog_carried_into_q4(world):
    boex = world.user("Bo-Ex", "corporation")
    quotas = [r for r in year_quotas(world.session, 2019) if r.corporation == "Bo-Ex"]
    quota = [r.quota for r in quotas]
    instroom = [r.instroom_quota for r in quotas]
    assert min(instroom[0], instroom[3]) >= 1 and min(quota) - max(instroom) >= 3
    # Short by 3 (1 instroom) in Q1, exactly on quota in Q2 and Q3, short by 2 (1) in Q4.
    short = [(3, 1), (0, 0), (0, 0), (2, 1)]
    for number, ((total, of_instroom), first_day) in enumerate(
            zip(short, (date(2019, 1, 2), date(2019, 4, 1), date(2019, 7, 1),
                        date(2019, 10, 1)), strict=True)):
        wanted_instroom = instroom[number] - of_instroom
        submit(world, boex, first_day, quota[number] - total - wanted_instroom, wanted_instroom)

    q4 = quarter_report(world.session, quarter="2019Q4", actor=world.matcher,
                        today=date(2020, 1, 15))
    carried = next(r for r in q4["quotas"] if r["corporation"] == "Bo-Ex")
    assert (carried["backlog"], carried["instroom_backlog"]) == (3, 1)  # into Q4

    year = year_report(world.session, year=2019, actor=world.matcher, today=date(2020, 1, 15))
    row = next(r for r in year["quotas"] if r["corporation"] == "Bo-Ex")
    assert (row["quota"], row["submitted"]) == (sum(quota), sum(quota) - 5)
    assert (row["instroom_quota"], row["instroom_submitted"]) == (sum(instroom),
                                                                  sum(instroom) - 2)
    assert row["backlog"] == 5  # 3 from Q1 + 2 from Q4
    assert row["instroom_backlog"] == 2
    # The corporation reads the same in its own report; while the year runs, the shortfall
    # is that of the quarters ended so far.
    own = year_report(world.session, year=2019, actor=boex, today=date(2020, 1, 15))
    assert [(r["backlog"], r["instroom_backlog"]) for r in own["quotas"]] == [(5, 2)]
    august = year_report(world.session, year=2019, actor=world.matcher, today=date(2019, 8, 15))
    running = next(r for r in august["quotas"] if r["corporation"] == "Bo-Ex")
    assert (running["backlog"], running["instroom_backlog"]) == (3, 1)
