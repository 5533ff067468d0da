"""Scenario 13 (domain brief section 8): the earmarked new-build peak of 2025.

Seed facts ([002] Tabel 2 and 3): Woonin Defensieterrein, 140 dwellings for Leger des Heils
and Singelzicht (the remarks column; reading it as an earmark is the brief's inference);
Bo-Ex Leidsche Rijn E5, 49 seniors' dwellings (55+); the private Eendrachtlaan project, 40
dwellings let via WoningNet with no agreements on priority groups.

Values the seeds do not give (PARAM, year parameters marked as assumptions in
seeds/year_parameters.csv): the peak threshold (50 open dwellings of one project) and the
agency's monthly capacity (2025: 92, the pace the 1,103 places requested via mediation need).
The dwellings' rooms, sizes and rents and the clients are made up.
"""

from datetime import date

import pytest
from sqlmodel import Session, col, select

from matching.models import Dwelling, Notice, Notification, Organisation, ReasonCode, User
from matching.services.dwellings import create_dwelling, submit_dwelling
from matching.services.errors import ValidationFailed
from matching.services.matching import suggest_for_dwelling
from matching.services.proposals import propose_candidates
from matching.services.submission_peaks import NoAgreements, release_schedule
from tests.factories import DwellingData
from tests.world import World, at

DEFENSIETERREIN, LEIDSCHE_RIJN_E5, EENDRACHTLAAN = 140, 49, 40
SUBMITTED_ON = at(date(2025, 3, 3))


def organisation(session: Session, name: str) -> Organisation:
    return session.exec(select(Organisation).where(Organisation.name == name)).one()


def dwellings_of(world: World, owner: User, count: int, *, submit: bool = True,
                 **data: object) -> list[Dwelling]:
    made = []
    street = data.pop("street", "Projectlaan")
    for number in range(1, count + 1):
        world.now = SUBMITTED_ON
        dwelling = create_dwelling(world.session, data=DwellingData(
            address=f"{street} {number}, Utrecht", **data),
            actor=owner, now=SUBMITTED_ON)
        if submit:
            dwelling = submit_dwelling(world.session, dwelling_id=dwelling.id, actor=owner,
                                       now=SUBMITTED_ON)
        made.append(dwelling)
    return made


@pytest.fixture
def world(reference: Session) -> World:
    made = World(reference)
    made.now = SUBMITTED_ON
    return made


def test_scenario_13_defensieterrein_140_at_once_warns_and_gets_a_release_schedule(world):
    session = world.session
    woonin = world.user("Woonin", "corporation")
    leger, singelzicht = (organisation(session, "Leger des Heils"),
                          organisation(session, "Singelzicht"))
    lister_client = world.waiting(birth_year=1980)
    leger_client = world.waiting(world.user("Leger des Heils", "care_provider"),
                                 birth_year=1980)
    singel_client = world.waiting(world.user("Singelzicht", "care_provider"), birth_year=1975)

    project = dwellings_of(world, woonin, DEFENSIETERREIN, complex_code="Defensieterrein",
                           earmarked_care_provider_ids=[leger.id, singelzicht.id],
                           available_from=date(2025, 4, 1))
    assert all(d.state == "submitted" and d.quarter == "2025Q1" for d in project)

    # One capacity warning for the agency, raised when the 51st dwelling was submitted.
    [notice] = session.exec(select(Notice).where(Notice.kind == "submission_peak")).all()
    assert notice.subject_type == "dwelling" and notice.subject_id == project[50].id
    assert notice.params["count"] == 51 and notice.params["capacity"] == 92
    assert notice.params["providers"] == "Leger des Heils, Singelzicht"
    told = session.exec(select(User.organisation_id).join(
        Notification, col(Notification.user_id) == col(User.id)).where(
        Notification.notice_id == notice.id)).all()
    assert set(told) == {organisation(session, "Het Vierde Huis").id}

    # The release schedule spreads the 140 over months within the capacity of 92.
    schedule = release_schedule(session, dwelling_id=project[0].id, actor=world.matcher,
                                now=SUBMITTED_ON)
    assert schedule["open_dwellings"] == DEFENSIETERREIN and schedule["is_peak"]
    assert [(m["month"], m["release"]) for m in schedule["months"]] == [
        ("2025-03", 92), ("2025-04", 48)]
    assert schedule["waiting_clients_of_earmarked_providers"] == 2

    # Only the earmarked providers' clients are proposed; Lister's client is excluded.
    suggestions = suggest_for_dwelling(session, dwelling_id=project[0].id,
                                       actor=world.matcher, now=SUBMITTED_ON)
    assert set(suggestions.top_ids) == {leger_client.id, singel_client.id}
    assert suggestions.excluded["earmark"] == 1
    with pytest.raises(ValidationFailed) as refused:
        propose_candidates(session, dwelling_id=project[0].id, client_ids=[lister_client.id],
                           actor=world.matcher, motivation="buiten het oormerk",
                           now=SUBMITTED_ON)
    assert "client_ids" in refused.value.fields


def test_scenario_13_leidsche_rijn_e5_49_seniors_dwellings_exclude_under_55s(world):
    session = world.session
    boex = world.user("Bo-Ex", "corporation")
    under_55 = world.waiting(birth_year=1971)  # 54 in 2025
    senior = world.waiting(birth_year=1970)  # 55 in 2025
    e5 = dwellings_of(world, boex, LEIDSCHE_RIJN_E5, complex_code="Leidsche Rijn E5",
                      senior_label=True, street="Seniorenhof")
    assert len(e5) == LEIDSCHE_RIJN_E5 and all(d.senior_label for d in e5)

    suggestions = suggest_for_dwelling(session, dwelling_id=e5[0].id, actor=world.matcher,
                                       now=SUBMITTED_ON)
    assert suggestions.top_ids == [senior.id]
    assert suggestions.excluded["senior_label"] == 1
    with pytest.raises(ValidationFailed) as refused:
        propose_candidates(session, dwelling_id=e5[0].id, client_ids=[under_55.id],
                           actor=world.matcher, motivation="te jong", now=SUBMITTED_ON)
    assert "client_ids" in refused.value.fields
    # The landlord's reason code for it exists (VERA: ingetrokken).
    reason = session.get(ReasonCode, "senior_label")
    assert reason is not None and reason.kind == "landlord" and reason.active
    # No earmark on E5: no peak warning for 49 open dwellings.
    assert session.exec(select(Notice).where(Notice.kind == "submission_peak")).all() == []


def test_scenario_13_the_private_eendrachtlaan_40_cannot_be_submitted(world):
    session = world.session
    owner = world.user("Particuliere verhuurder Eendrachtlaan", "corporation")
    drafts = dwellings_of(world, owner, EENDRACHTLAAN, submit=False, street="Eendrachtlaan")
    for draft in drafts:
        with pytest.raises(NoAgreements) as refused:
            submit_dwelling(session, dwelling_id=draft.id, actor=owner, now=SUBMITTED_ON)
        assert refused.value.fields["corporation_id"].endswith(
            "geen prestatieafspraken; aanbieden via WoningNet")
        session.rollback()
    states = session.exec(select(Dwelling.state).where(
        col(Dwelling.id).in_([d.id for d in drafts]))).all()
    assert states == ["draft"] * EENDRACHTLAAN
