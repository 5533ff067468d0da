"""Scenario 05 (domain brief section 8): the institution-dwelling flip target of 2019.

In 2019 the care providers flip 135 institution dwellings to regular leases: Lister 45, De
Tussenvoorziening 90 (seed institution_flip_targets.csv, [001]). Each flip is registered by
the care provider for its own client (services.institution_flips, the service behind the
pages, `POST /leases/institution` and `matching leases institution`): the client becomes the
corporation's tenant where it lives.

The spread of the flips over the quarters is not in the seeds (PARAM): here Lister flips
9/12/12/12 and De Tussenvoorziening 18/24/24/24, on the 15th of the quarter's middle month,
with Mitros as landlord; the last of De Tussenvoorziening's flips waits until 16 December.

Expected: the provider's progress per quarter; the year-end target is met only when all 135
are flipped (134 on 15 December is not enough).
"""

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from matching.models import Client, InstitutionFlipTarget, Organisation
from matching.reports.build import year_report
from matching.reports.flip_progress import flip_progress
from matching.reports.period import Reader
from matching.services.clients import register_client
from matching.services.institution_flips import register_institution_flip
from matching.vocabulary import ClientState
from tests.factories import ClientData
from tests.world import World

PER_QUARTER = {"Lister": (9, 12, 12, 12), "De Tussenvoorziening": (18, 24, 24, 24)}
LAST_FLIP = date(2019, 12, 16)


def _flip(session: Session, world: World, provider: str, start: date, mitros_id: int) -> None:
    actor = world.lister if provider == "Lister" else world.tussen
    client = register_client(session, data=ClientData(registered_on=date(2019, 1, 2)),
                             actor=actor, now=datetime(2019, 1, 2, 9, tzinfo=UTC))
    register_institution_flip(
        session, client_id=client.id, corporation_id=mitros_id,
        address=f"Instellingslaan {client.id}, Utrecht", wijk="Overvecht", start_on=start,
        actor=actor, now=datetime(start.year, start.month, start.day, 10, tzinfo=UTC))


def _by_name(rows):
    return {row.care_provider or "total": row for row in rows}


def test_scenario_05_135_flips_meet_the_target_per_provider_and_quarter(reference: Session):
    world = World(reference)
    mitros_id = reference.exec(select(Organisation.id).where(Organisation.name == "Mitros")).one()
    targets = {
        reference.get(Organisation, target.care_provider_id).name: target.target
        for target in reference.exec(select(InstitutionFlipTarget).where(
            InstitutionFlipTarget.year == 2019))
    }
    assert targets == {"Lister": 45, "De Tussenvoorziening": 90}
    assert sum(targets.values()) == 135

    for provider, counts in PER_QUARTER.items():
        for quarter, count in enumerate(counts):
            for n in range(count):
                start = date(2019, 3 * quarter + 2, 15)
                if provider == "De Tussenvoorziening" and quarter == 3 and n == count - 1:
                    start = LAST_FLIP
                _flip(reference, world, provider, start, mitros_id)
    assert all(client.state == ClientState.HOUSED for client in reference.exec(select(Client)))

    agency = Reader(role="matcher", organisation_id=world.matcher.organisation_id)

    # Progress per quarter: after the third quarter 33 of Lister's 45 and 66 of 90.
    q3 = _by_name(flip_progress(reference, year=2019, as_of=date(2019, 9, 30), reader=agency))
    assert q3["Lister"].per_quarter == {"Q1": 9, "Q2": 12, "Q3": 12, "Q4": 0}
    assert (q3["Lister"].flipped, q3["Lister"].remaining, q3["Lister"].met) == (33, 12, False)
    assert q3["De Tussenvoorziening"].per_quarter == {"Q1": 18, "Q2": 24, "Q3": 24, "Q4": 0}
    assert q3["total"].flipped == 99 and q3["total"].target == 135
    assert q3["total"].evaluated is False

    # 15 December: Lister is done, one of De Tussenvoorziening's flips is still missing.
    almost = _by_name(flip_progress(reference, year=2019, as_of=date(2019, 12, 15),
                                    reader=agency))
    assert (almost["Lister"].flipped, almost["Lister"].met) == (45, True)
    assert (almost["De Tussenvoorziening"].flipped, almost["De Tussenvoorziening"].met) == (
        89, False)
    assert (almost["total"].flipped, almost["total"].met) == (134, False)

    # The year end: all 135 flipped, the target met, and the verdict final.
    year_end = _by_name(flip_progress(reference, year=2019, as_of=date(2019, 12, 31),
                                      reader=agency))
    assert year_end["De Tussenvoorziening"].per_quarter == {"Q1": 18, "Q2": 24, "Q3": 24,
                                                            "Q4": 24}
    assert (year_end["total"].flipped, year_end["total"].met) == (135, True)
    assert year_end["total"].pct_of_target == 100.0 and year_end["total"].evaluated

    # A care provider's own page shows its row alone.
    own = flip_progress(reference, year=2019, as_of=date(2019, 12, 31), reader=agency,
                        care_provider_id=world.lister.organisation_id)
    assert [(row.care_provider, row.flipped, row.target) for row in own] == [("Lister", 45, 45)]

    # The year report's section counts the same flips per provider and quarter.
    report = year_report(reference, year=2019, actor=world.matcher, today=date(2020, 1, 15))
    section = {row["care_provider"]: row for row in report["institution_flips"]}
    assert (section["Lister"]["target"], section["Lister"]["year_to_date"]) == (45, 45)
    assert section["De Tussenvoorziening"]["per_quarter"] == {"Q1": 18, "Q2": 24, "Q3": 24,
                                                              "Q4": 24}
    assert section["De Tussenvoorziening"]["pct_of_target"] == 100.0
