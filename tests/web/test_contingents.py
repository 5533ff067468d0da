"""Contingents per care provider: read by the agency and the municipality, divided and
edited only by a contingent manager, and a care provider's own row."""

import re

import pytest
from sqlmodel import Session, select

from matching.models import Contingent, ContingentChange, Organisation, User
from matching.parameters import year_parameters
from tests.web.conftest import csrf_token
from tests.web.returning import returned

YEAR = 2026


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _grant_manager_right(session: Session, user: User) -> None:
    user.contingent_manager = True
    session.add(user)
    session.commit()


def _org(session: Session, name: str) -> Organisation:
    return session.exec(select(Organisation).where(Organisation.name == name)).one()


def _changes(session: Session) -> list[ContingentChange]:
    session.expire_all()
    return list(session.exec(select(ContingentChange).order_by(ContingentChange.id)))


@pytest.fixture
def manager(reference, users, signed_in):  # type: ignore[no-untyped-def]
    """The matcher, holding the contingent-manager right, signed in."""
    _grant_manager_right(reference, users["matcher"])
    return signed_in("matcher")


def test_a_manager_sets_the_default_contingents_when_the_year_has_none(reference, manager):
    page = _text(manager.get(f"/contingenten?jaar={YEAR}"))
    assert f"Voor {YEAR} zijn nog geen contingenten vastgesteld" in page
    response = manager.post("/contingenten/standaard", data={
        "csrf_token": csrf_token(manager, "/contingenten"), "jaar": str(YEAR)})
    assert response.status_code == 303
    rows = reference.exec(select(Contingent).where(Contingent.year == YEAR)).all()
    assert sum(r.contingent for r in rows) == year_parameters(reference, YEAR).mobw_task
    page = _text(manager.get(f"/contingenten?jaar={YEAR}"))
    assert "Standaardcontingenten vaststellen" not in page
    again = manager.post("/contingenten/standaard", data={
        "csrf_token": csrf_token(manager, "/contingenten"), "jaar": str(YEAR)},
        follow_redirects=True)
    assert "zijn al contingenten vastgesteld" in _text(again)


def test_a_managers_edit_is_saved_and_shown_in_the_log_of_changes(reference, users, manager):
    lister = _org(reference, "Lister")
    response = manager.post("/contingenten/wijzigen", data={
        "csrf_token": csrf_token(manager, "/contingenten"), "jaar": str(YEAR),
        "care_provider_id": str(lister.id), "contingent": "42",
        "reason": "Besluit Beter Wonen 12 januari"})
    assert response.status_code == 303
    assert reference.get(Contingent, (YEAR, lister.id)).contingent == 42
    [change] = _changes(reference)
    assert (change.old_value, change.new_value, change.actor_user_id) == (
        None, 42, users["matcher"].id)
    page = _text(manager.get(f"/contingenten?jaar={YEAR}"))
    assert "Besluit Beter Wonen 12 januari" in page and users["matcher"].email in page
    row = page.split("<th scope=\"row\">Lister</th>")[1].split("</tr>")[0]
    assert re.findall(r'class="num">(\d+)<', row) == ["42", "0", "0", "42"]


def test_an_edit_without_reason_is_refused_with_the_message_at_the_field(reference, manager):
    lister = _org(reference, "Lister")
    response = manager.post("/contingenten/wijzigen", data={
        "csrf_token": csrf_token(manager, "/contingenten"), "jaar": str(YEAR),
        "care_provider_id": str(lister.id), "contingent": "10", "reason": " "})
    shown = returned(manager, response, "/contingenten")
    assert re.search(r'id="reason-error">Geef een reden voor de wijziging', _text(shown))
    assert _changes(reference) == []


def test_a_matcher_without_the_manager_right_may_read_but_not_edit(reference, signed_in):
    client = signed_in("matcher")
    page = _text(client.get(f"/contingenten?jaar={YEAR}"))
    assert "Contingent per zorgaanbieder" in page
    assert "Contingent wijzigen" not in page and "Standaardcontingenten" not in page
    token = csrf_token(client, "/matcher/wachtrij")
    lister = _org(reference, "Lister")
    edit = client.post("/contingenten/wijzigen", data={
        "csrf_token": token, "jaar": str(YEAR), "care_provider_id": str(lister.id),
        "contingent": "10", "reason": "eigen initiatief"})
    assert edit.status_code == 403
    defaults = client.post("/contingenten/standaard", data={"csrf_token": token,
                                                            "jaar": str(YEAR)})
    assert defaults.status_code == 403
    assert _changes(reference) == []


def test_the_analyst_reads_the_contingents_and_cannot_edit_them(reference, signed_in):
    client = signed_in("analyst")
    assert client.get(f"/contingenten?jaar={YEAR}").status_code == 200
    token = csrf_token(client, "/contingenten")
    lister = _org(reference, "Lister")
    response = client.post("/contingenten/wijzigen", data={
        "csrf_token": token, "jaar": str(YEAR), "care_provider_id": str(lister.id),
        "contingent": "10", "reason": "x"})
    assert response.status_code == 403


def test_a_care_provider_sees_only_its_own_contingent_row(reference, manager, signed_in):
    token = csrf_token(manager, "/contingenten")
    for name, amount in (("Lister", 40), ("De Tussenvoorziening", 90)):
        manager.post("/contingenten/wijzigen", data={
            "csrf_token": token, "jaar": str(YEAR), "care_provider_id": str(_org(reference,
                                                                              name).id),
            "contingent": str(amount), "reason": "verdeling"})
    lister = signed_in("care_provider")
    page = _text(lister.get(f"/contingent?jaar={YEAR}"))
    assert "Lister" in page and "40" in page
    assert "De Tussenvoorziening" not in page and ">90<" not in page
    everyone = lister.get(f"/contingenten?jaar={YEAR}")
    assert everyone.status_code == 302 and "/contingent?" in everyone.headers["Location"]


def test_corporations_may_not_see_contingents(signed_in):
    client = signed_in("corporation")
    assert client.get("/contingenten").status_code == 403
    assert client.get("/contingent").status_code == 403


def test_posts_without_csrf_token_are_refused_and_change_nothing(reference, manager):
    lister = _org(reference, "Lister")
    for path, data in (
        ("/contingenten/wijzigen", {"jaar": str(YEAR), "care_provider_id": str(lister.id),
                                    "contingent": "10", "reason": "x"}),
        ("/contingenten/standaard", {"jaar": str(YEAR)}),
    ):
        response = manager.post(path, data=data)
        assert response.status_code == 400, path
    assert _changes(reference) == []
    assert reference.exec(select(Contingent)).all() == []
