"""The year plan page (the approach's pro-rated task, confirmed by an administrator), the
contingents page of a new year ("voorlopig"), and the statushouder task in dwellings on the
year report, in Dutch and English."""

import re
from datetime import date

import pytest
from sqlmodel import Session, select

from matching.models import Contingent, Organisation, PolicyConfirmation
from tests.web.conftest import csrf_token
from tests.web.test_english import dutch_texts, english_page, in_english  # noqa: F401


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_the_year_plan_shows_the_pro_rated_task_beside_the_full_year_until_confirmed(
        reference: Session, users, signed_in):
    analyst = signed_in("analyst")
    page = _text(analyst.get("/planning?jaar=2019"))
    assert "Beleidskeuze" in page and "Nog niet bevestigd door een beheerder" in page
    assert "de taak 160 van de 385 woningen" in page and "eerste kwartaal 2019Q3" in page
    assert "Naar rato berekende taak bevestigen" not in page  # only for an administrator
    # Only an administrator may confirm.
    refused = analyst.post("/planning/aanpak/bevestigen", data={
        "csrf_token": csrf_token(analyst, "/planning?jaar=2019"), "jaar": "2019"})
    assert refused.status_code == 403
    assert reference.get(PolicyConfirmation, (2019, "approach_start")) is None

    admin = signed_in("admin")
    assert "Naar rato berekende taak bevestigen" in _text(admin.get("/planning?jaar=2019"))
    response = admin.post("/planning/aanpak/bevestigen", data={
        "csrf_token": csrf_token(admin, "/planning?jaar=2019"), "jaar": "2019"})
    assert response.status_code == 303
    reference.expire_all()
    confirmation = reference.get(PolicyConfirmation, (2019, "approach_start"))
    assert confirmation is not None and confirmation.actor_user_id == users["admin"].id
    page = _text(admin.get("/planning?jaar=2019"))
    assert f"Bevestigd door {users['admin'].email}" in page
    again = admin.post("/planning/aanpak/bevestigen", data={
        "csrf_token": csrf_token(admin, "/planning?jaar=2019"), "jaar": "2019"},
        follow_redirects=True)
    assert "geen naar rato berekende taak (meer) te bevestigen" in _text(again)


def test_the_year_plan_in_english(signed_in, dutch_texts):  # noqa: F811
    admin = in_english(signed_in("admin"))
    english_page(admin, "/planning?jaar=2019", dutch_texts)  # no Dutch sentence left
    page = _text(admin.get("/planning?jaar=2019"))
    assert "Year plan 2019" in page and "Policy choice" in page
    assert "the task is 160 of the 385 dwellings" in page and "Full year" in page
    assert "Beleidskeuze" not in page
    # A year without a start within it has no policy choice.
    assert "Policy choice" not in _text(admin.get("/planning?jaar=2020"))


@pytest.fixture
def new_years_day(monkeypatch):  # type: ignore[no-untyped-def]
    """The pages' clock at 1 January 2020."""
    monkeypatch.setattr("matching.web.contingents.today", lambda: date(2020, 1, 1))


def _lister(session: Session) -> Organisation:
    return session.exec(select(Organisation).where(Organisation.name == "Lister")).one()


def test_on_new_years_day_the_contingents_page_says_voorlopig_and_the_manager_confirms(
        reference: Session, users, signed_in, new_years_day):
    lister = _lister(reference)
    reference.add(Contingent(year=2019, care_provider_id=lister.id, contingent=200))
    users["matcher"].contingent_manager = True
    reference.add(users["matcher"])
    reference.commit()

    manager = signed_in("matcher")
    page = _text(manager.get("/contingenten?jaar=2020"))
    assert "Voorlopig" in page and "begon zonder contingenten" in page
    assert "Voorlopige contingenten bevestigen" in page
    reference.expire_all()
    rows = reference.exec(select(Contingent).where(Contingent.year == 2020)).all()
    assert sum(r.contingent for r in rows) == 385 and all(r.provisional for r in rows)

    english = in_english(signed_in("analyst"))
    text = _text(english.get("/contingenten?jaar=2020"))
    assert "Provisional" in text and "began without contingents" in text
    assert "Confirm the provisional contingents" not in text  # not the manager

    response = manager.post("/contingenten/bevestigen", data={
        "csrf_token": csrf_token(manager, "/contingenten?jaar=2020"), "jaar": "2020"})
    assert response.status_code == 303
    page = _text(manager.get("/contingenten?jaar=2020"))
    assert "Voorlopige contingenten bevestigen" not in page
    assert f"bevestigd door {users['matcher'].email}" in page
    reference.expire_all()
    assert not any(r.provisional for r in reference.exec(
        select(Contingent).where(Contingent.year == 2020)))


def test_only_the_contingent_manager_confirms(reference: Session, signed_in, new_years_day):
    reference.add(Contingent(year=2019, care_provider_id=_lister(reference).id, contingent=9))
    reference.commit()
    matcher = signed_in("matcher")  # without the manager's right
    page = _text(matcher.get("/contingenten?jaar=2020"))
    assert "Voorlopig" in page and "Voorlopige contingenten bevestigen" not in page
    refused = matcher.post("/contingenten/bevestigen", data={
        "csrf_token": csrf_token(matcher, "/contingenten?jaar=2020"), "jaar": "2020"})
    assert refused.status_code == 403


def test_the_year_report_shows_the_statushouder_task_in_dwellings_per_corporation(signed_in):
    analyst = signed_in("analyst")
    page = _text(analyst.get("/rapportages/jaar?jaar=2019"))
    assert "108 personen bij 2 personen per woning: 54 woningen nodig" in page
    assert re.search(r"Mitros</th> ?<td class=\"num\">25</td>", page)
    english = _text(in_english(signed_in("analyst")).get("/rapportages/jaar?jaar=2019"))
    assert "108 persons at 2 persons per dwelling: 54 dwellings needed" in english
