"""The steering-inputs page: the agency and the administrator enter a year's total lettings
per quarter, the administrator records a statushouder rung; errors at their fields, nothing
half-written, other roles refused."""

import re

import pytest
from sqlmodel import select

from matching.models import StatushouderRung, TotalLettingsQuarter
from matching.reports.statushouders import statushouder_half
from tests.web.conftest import csrf_token
from tests.web.returning import returned
from tests.web.test_english import in_english

PAGE = "/stuurcijfers?jaar=2025"
RUNG_TEXT = "Kies een trede van 1 tot en met 6."


def _post(client, url: str, **data):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, PAGE), **data})


def _lettings(session) -> dict[str, tuple[int, str]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return {r.quarter: (r.total, r.source) for r in session.exec(select(TotalLettingsQuarter))}


def _rungs(session) -> dict[str, tuple[int, str]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return {r.half_year: (r.rung, r.note) for r in session.exec(select(StatushouderRung))}


def _error(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert found, f"no error at {field}"
    return found.group(1)


def _row(page: str, label: str) -> str:
    found = re.search(rf"<th scope=\"row\">{label}</th>(.*?)</tr>", page, flags=re.S)
    assert found, label
    return found.group(1)


@pytest.mark.parametrize("role", ["matcher", "admin"])
def test_the_agency_and_the_administrator_enter_a_year_and_the_balance_follows(
        signed_in, reference, role):
    client = signed_in(role)
    page = client.get(PAGE).get_data(as_text=True)
    assert "<h1>Invoer stuurcijfers 2025</h1>" in page
    assert "nog niet ingevoerd" in _row(page, "K1 2025")
    response = _post(client, "/stuurcijfers/verhuringen", jaar="2025",
                     q1_total="612", q1_source="WoningNet kwartaalrapportage",
                     q2_total="1.234", q2_source="WoningNet")
    assert response.status_code == 303
    assert _lettings(reference) == {"2025Q1": (612, "WoningNet kwartaalrapportage"),
                                    "2025Q2": (1234, "WoningNet")}
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "De verhuringen zijn opgeslagen voor K1 2025, K2 2025." in shown
    assert 'value="612"' in shown and 'value="1234"' in shown
    assert "1.234, door user" in _row(shown, "K2 2025")
    assert "nog niet ingevoerd" in _row(shown, "K3 2025")
    # Two quarters still count as a quarter of the year parameter (2,750) each: 612 + 1,234
    # + 1,375, and no dwelling was let through the workflow.
    assert "0 van 3.221 verhuringen, 0,0% (richtlijn 30,0%)" in shown


def test_one_bad_quarter_saves_none_and_shows_each_problem_at_its_field(signed_in, reference):
    client = signed_in("matcher")
    response = _post(client, "/stuurcijfers/verhuringen", jaar="2025",
                     q1_total="612", q1_source="WoningNet",
                     q2_total="veel", q2_source="WoningNet",
                     q3_total="600", q3_source="   ",
                     q4_total="", q4_source="WoningNet")
    response = returned(client, response, "/stuurcijfers")
    page = response.get_data(as_text=True)
    assert "Er is niets opgeslagen. Verbeter de gemarkeerde velden." in page
    assert _error(page, "q2_total").startswith("Vul een heel aantal van 1 tot en met 100.000 in")
    assert _error(page, "q3_source").startswith("Vul de bron in")
    assert _error(page, "q4_total").startswith("Vul een heel aantal")
    assert 'id="q1_total-error"' not in page
    assert 'value="veel"' in page and 'aria-invalid="true"' in page  # what was typed stays
    assert _lettings(reference) == {}


def test_a_number_is_read_the_way_the_page_s_language_groups_it(signed_in, reference):
    client = signed_in("matcher")
    dutch = _post(client, "/stuurcijfers/verhuringen", jaar="2025", q1_total="1,234",
                  q1_source="WN")
    # A decimal comma: not a whole number of lettings.
    dutch = returned(client, dutch, "/stuurcijfers")
    assert _error(dutch.get_data(as_text=True), "q1_total").startswith("Vul een heel aantal")
    english = in_english(client)
    saved = _post(english, "/stuurcijfers/verhuringen", jaar="2025", q1_total="1,234",
                  q1_source="WN")
    assert saved.status_code == 303
    assert "The lettings were saved for Q1 2025." in english.get(
        saved.headers["Location"]).get_data(as_text=True)
    assert _lettings(reference) == {"2025Q1": (1234, "WN")}


def test_a_value_that_did_not_change_is_not_entered_again(signed_in, reference):
    client = signed_in("matcher")
    _post(client, "/stuurcijfers/verhuringen", jaar="2025", q1_total="612", q1_source="WN")
    first = reference.exec(select(TotalLettingsQuarter)).one().set_at
    again = _post(client, "/stuurcijfers/verhuringen", jaar="2025", q1_total="612",
                  q1_source="WN")
    assert "Er is niets gewijzigd." in client.get(again.headers["Location"]).get_data(
        as_text=True)
    reference.expire_all()
    assert reference.exec(select(TotalLettingsQuarter)).one().set_at == first
    _post(client, "/stuurcijfers/verhuringen", jaar="2025", q1_total="598", q1_source="WN")
    assert _lettings(reference) == {"2025Q1": (598, "WN")}


def test_the_administrator_records_a_rung_that_the_report_then_shows(
        signed_in, reference, users):
    admin = signed_in("admin")
    page = admin.get(PAGE).get_data(as_text=True)
    assert '<option value="2022H2">2e halfjaar 2022</option>' in page
    response = _post(admin, "/stuurcijfers/trede", jaar="2025", half="2022H2", rung="4",
                     note="Brief provincie 12 januari 2023")
    assert response.status_code == 303
    shown = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Trede 4 is vastgelegd voor het 2e halfjaar 2022." in shown
    row = _row(shown, "2e halfjaar 2022")
    assert "4 – Vooraankondiging juridisch ingrijpen" in row
    assert "Brief provincie 12 januari 2023" in row
    assert "berekend, niet vastgelegd" in _row(shown, "1e halfjaar 2022")
    figures = statushouder_half(reference, half="2022H2", actor=users["analyst"])
    assert (figures.rung, figures.rung_note) == (4, "Brief provincie 12 januari 2023")


@pytest.mark.parametrize(("data", "field", "text"), [
    ({"half": "2022H2", "rung": "", "note": "brief"}, "rung", RUNG_TEXT),
    ({"half": "2022H2", "rung": "7", "note": "brief"}, "rung", RUNG_TEXT),
    ({"half": "2022H2", "rung": "3", "note": " "}, "note", "Vul de toelichting in"),
    ({"half": "", "rung": "3", "note": "brief"}, "half", "Kies een halfjaar uit de lijst."),
    ({"half": "2030H1", "rung": "3", "note": "brief"}, "half",
     "Voor dit halfjaar is geen taakstelling bekend."),
])
def test_a_bad_rung_is_shown_at_its_field_and_nothing_is_recorded(
        signed_in, reference, data, field, text):
    admin = signed_in("admin")
    response = returned(admin, _post(admin, "/stuurcijfers/trede", jaar="2025", **data),
                        "/stuurcijfers")
    page = response.get_data(as_text=True)
    assert "De trede is niet vastgelegd." in page
    assert _error(page, field).startswith(text)
    assert _rungs(reference) == {}


def test_the_agency_sees_the_rungs_but_may_not_record_one(signed_in, reference):
    matcher = signed_in("matcher")
    page = matcher.get(PAGE).get_data(as_text=True)
    assert "3 – Actief toezicht" in _row(page, "1e halfjaar 2022")  # computed
    assert "Trede vastleggen" not in page
    response = matcher.post("/stuurcijfers/trede", data={
        "csrf_token": csrf_token(matcher, PAGE), "half": "2022H2", "rung": "3", "note": "x"})
    assert response.status_code == 403
    assert _rungs(reference) == {}


@pytest.mark.parametrize("role", ["corporation", "care_provider", "analyst"])
def test_other_roles_may_not_open_or_post_the_page(signed_in, reference, role):
    client = signed_in(role)
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client, "/profiel")
    lettings = client.post("/stuurcijfers/verhuringen", data={
        "csrf_token": token, "jaar": "2025", "q1_total": "612", "q1_source": "WN"})
    rung = client.post("/stuurcijfers/trede", data={
        "csrf_token": token, "half": "2022H2", "rung": "3", "note": "x"})
    assert lettings.status_code == rung.status_code == 403
    assert _lettings(reference) == {} and _rungs(reference) == {}


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(signed_in, reference):
    admin = signed_in("admin")
    lettings = admin.post("/stuurcijfers/verhuringen", data={
        "jaar": "2025", "q1_total": "612", "q1_source": "WN"})
    rung = admin.post("/stuurcijfers/trede", data={"half": "2022H2", "rung": "3", "note": "x"})
    assert lettings.status_code == rung.status_code == 400
    assert _lettings(reference) == {} and _rungs(reference) == {}


def test_the_menu_leads_the_agency_and_the_administrator_to_the_page(signed_in):
    for role in ("matcher", "admin"):
        page = signed_in(role).get("/profiel").get_data(as_text=True)
        assert 'href="/stuurcijfers"' in page and "Invoer stuurcijfers" in page, role
    assert 'href="/stuurcijfers"' not in signed_in("analyst").get("/profiel").get_data(
        as_text=True)
