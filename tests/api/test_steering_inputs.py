"""PUT/GET /quarters/{quarter}/total-lettings and PUT /statushouders/{half}/rung: who may
enter the steering inputs, what is refused, replays, and the reports that then use them."""

import pytest
from sqlmodel import select

from matching.models import StatushouderRung, TotalLettingsQuarter
from tests.api.conftest import error_of

LETTINGS = "/api/v1/quarters/2020Q1/total-lettings"
RUNG = "/api/v1/statushouders/2022H2/rung"
ENTRY_FIELDS = {"quarter", "total", "source", "set_by", "set_at"}


def stored_lettings(session) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return [(r.quarter, r.total, r.source) for r in session.exec(select(TotalLettingsQuarter))]


def stored_rungs(session) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return [(r.half_year, r.rung, r.note) for r in session.exec(select(StatushouderRung))]


@pytest.mark.parametrize("role", ["matcher", "admin"])
def test_the_agency_and_the_administrator_enter_a_quarter_and_read_it_back(api, users, role):
    assert api.get(LETTINGS, as_="matcher").status_code == 404
    response = api.put(LETTINGS, {"total": 612, "source": "WoningNet kwartaalrapportage"},
                       as_=role)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == ENTRY_FIELDS
    assert (body["quarter"], body["total"], body["source"]) == (
        "2020Q1", 612, "WoningNet kwartaalrapportage")
    assert body["set_by"] == {"id": users[role].id, "email": users[role].email,
                              "organisation": "Het Vierde Huis"}
    assert body["set_at"][-6:] in ("+01:00", "+02:00")  # Utrecht's offset
    for reader in ("matcher", "analyst", "admin"):
        again = api.get(LETTINGS, as_=reader)
        assert again.status_code == 200 and again.get_json() == body


def test_a_second_value_replaces_the_first(api, reference):
    api.put(LETTINGS, {"total": 612, "source": "schatting"}, as_="matcher")
    api.put(LETTINGS, {"total": 598, "source": "WoningNet, definitief"}, as_="admin")
    assert stored_lettings(reference) == [("2020Q1", 598, "WoningNet, definitief")]
    assert api.get(LETTINGS, as_="analyst").get_json()["total"] == 598


def test_nothing_entered_is_404_for_the_quarter_and_malformed_is_422(api):
    missing = api.get("/api/v1/quarters/2031Q4/total-lettings", as_="analyst")
    assert missing.status_code == 404 and "2031Q4" in error_of(missing)["message"]
    malformed = api.get("/api/v1/quarters/2020Q5/total-lettings", as_="analyst")
    assert malformed.status_code == 422 and "quarter" in error_of(malformed)["fields"]


@pytest.mark.parametrize("role", ["corporation", "care_provider", "analyst"])
def test_corporations_care_providers_and_the_municipality_may_not_enter_totals(
        api, reference, role):
    response = api.put(LETTINGS, {"total": 612, "source": "WoningNet"}, as_=role)
    assert response.status_code == 403
    assert error_of(response)["code"]
    assert stored_lettings(reference) == []


@pytest.mark.parametrize("role", ["corporation", "care_provider"])
def test_corporations_and_care_providers_may_not_read_the_totals(api, role):
    api.put(LETTINGS, {"total": 612, "source": "WoningNet"}, as_="matcher")
    assert api.get(LETTINGS, as_=role).status_code == 403


@pytest.mark.parametrize("role", ["corporation", "care_provider", "analyst", "matcher"])
def test_only_the_administrator_records_a_rung(api, reference, role):
    response = api.put(RUNG, {"rung": 3, "note": "brief provincie"}, as_=role)
    assert response.status_code == 403
    assert stored_rungs(reference) == []


@pytest.mark.parametrize(("body", "field"), [
    ({"total": 0, "source": "WoningNet"}, "total"),
    ({"total": 100_001, "source": "WoningNet"}, "total"),
    ({"total": 612.5, "source": "WoningNet"}, "total"),
    ({"total": "612", "source": "WoningNet"}, "total"),
    ({"total": True, "source": "WoningNet"}, "total"),
    ({"source": "WoningNet"}, "total"),
    ({"total": 612, "source": "   "}, "source"),
    ({"total": 612, "source": "x" * 301}, "source"),
    # The documented maxLength holds for what is sent, whitespace included.
    ({"total": 612, "source": "\r" + "x" * 300}, "source"),
    ({"total": 612, "source": "Woning\x00Net"}, "source"),
    ({"total": 612}, "source"),
    ({"total": 612, "source": "WoningNet", "by": "someone"}, "by"),
])
def test_a_bad_total_is_422_naming_the_field_and_stores_nothing(api, reference, body, field):
    response = api.put(LETTINGS, body, as_="matcher")
    assert response.status_code == 422, response.get_json()
    assert field in error_of(response)["fields"]
    assert stored_lettings(reference) == []


def test_a_malformed_quarter_or_body_is_refused_before_anything_is_stored(api, reference):
    bad_quarter = api.put("/api/v1/quarters/2020-1/total-lettings",
                          {"total": 612, "source": "WoningNet"}, as_="matcher")
    assert bad_quarter.status_code == 422 and "quarter" in error_of(bad_quarter)["fields"]
    not_json = api.put(LETTINGS, as_="matcher", data="total=612",
                       content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 400
    broken = api.put(LETTINGS, as_="matcher", data="{\"total\": 612,",
                     content_type="application/json")
    assert broken.status_code == 400 and error_of(broken)["code"] == "malformed_json"
    assert api.put(LETTINGS, as_="matcher").status_code == 400  # no body at all
    assert stored_lettings(reference) == []


@pytest.mark.parametrize(("path", "body", "status", "field"), [
    (RUNG, {"rung": 0, "note": "brief"}, 422, "rung"),
    (RUNG, {"rung": 7, "note": "brief"}, 422, "rung"),
    (RUNG, {"rung": "3", "note": "brief"}, 422, "rung"),
    (RUNG, {"rung": 3, "note": ""}, 422, "note"),
    (RUNG, {"rung": 3}, 422, "note"),
    ("/api/v1/statushouders/2022H3/rung", {"rung": 3, "note": "brief"}, 422, "half"),
    ("/api/v1/statushouders/2030H1/rung", {"rung": 3, "note": "brief"}, 404, None),
])
def test_a_bad_rung_is_refused_with_its_field_and_stores_nothing(
        api, reference, path, body, status, field):
    response = api.put(path, body, as_="admin")
    assert response.status_code == status, response.get_json()
    error = error_of(response)
    if field is not None:
        assert field in error["fields"]
    else:
        assert "2030H1" in error["message"]
    assert stored_rungs(reference) == []


def test_the_recorded_rung_is_answered_and_shown_by_the_statushouder_report(api, users):
    response = api.put(RUNG, {"rung": 4, "note": "Provincie, brief 12 januari 2023"},
                       as_="admin")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"half", "rung", "note", "set_by", "set_at"}
    assert (body["half"], body["rung"], body["note"]) == (
        "2022H2", 4, "Provincie, brief 12 januari 2023")
    assert body["set_by"]["id"] == users["admin"].id
    report = api.get("/api/v1/reports/statushouders/2022H2", as_="analyst").get_json()
    assert (report["rung"], report["rung_note"]) == (4, "Provincie, brief 12 januari 2023")


def test_a_repeated_put_with_its_key_answers_the_first_answer_again(api, reference):
    key = {"Idempotency-Key": "lettings-2020Q1"}
    first = api.put(LETTINGS, {"total": 612, "source": "WoningNet"}, as_="matcher",
                    headers=key)
    # Meanwhile the administrator corrects the figure; the replay must not undo that.
    api.put(LETTINGS, {"total": 598, "source": "correctie"}, as_="admin")
    again = api.put(LETTINGS, {"source": "WoningNet", "total": 612}, as_="matcher",
                    headers=key)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert stored_lettings(reference) == [("2020Q1", 598, "correctie")]
    other = api.put(LETTINGS, {"total": 700, "source": "WoningNet"}, as_="matcher",
                    headers=key)
    assert other.status_code == 422 and "Idempotency-Key" in error_of(other)["fields"]


def test_a_refused_put_releases_its_key_for_the_corrected_request(api):
    key = {"Idempotency-Key": "rung-2022H2"}
    refused = api.put(RUNG, {"rung": 9, "note": "brief"}, as_="admin", headers=key)
    assert refused.status_code == 422
    fixed = api.put(RUNG, {"rung": 3, "note": "brief"}, as_="admin", headers=key)
    assert fixed.status_code == 200 and fixed.get_json()["rung"] == 3


def test_the_balance_report_divides_by_the_entered_quarters(api):
    before = api.get("/api/v1/reports/balance/2020", as_="analyst").get_json()
    assert before["total_lettings"] == 2400  # four quarters of the year parameter
    api.put(LETTINGS, {"total": 612, "source": "WoningNet Q1"}, as_="matcher")
    one = api.get("/api/v1/reports/balance/2020", as_="analyst").get_json()
    assert one["total_lettings"] == 612 + 1800  # three quarters still assumed
    assert "2020Q1 612 entered (WoningNet Q1)" in one["source"]
    for number, total in ((2, 590), (3, 605), (4, 633)):
        api.put(f"/api/v1/quarters/2020Q{number}/total-lettings",
                {"total": total, "source": f"WoningNet Q{number}"}, as_="admin")
    full = api.get("/api/v1/reports/balance/2020", as_="matcher").get_json()
    assert full["total_lettings"] == 612 + 590 + 605 + 633
    assert "assumption" not in full["source"]


def test_the_document_describes_the_steering_inputs(api):
    paths = api.get("/api/v1/openapi.json", as_=None).get_json()["paths"]
    lettings = paths["/api/v1/quarters/{quarter}/total-lettings"]
    assert {"get", "put"} <= set(lettings)
    rung = paths["/api/v1/statushouders/{half}/rung"]["put"]
    for operation in (lettings["put"], rung):
        assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
        assert "requestBody" in operation
    assert rung["description"].rstrip().endswith("Roles: admin.")
    page = api.get("/api/v1/docs", as_=None).get_data(as_text=True)
    assert "<code>PUT /api/v1/statushouders/{half}/rung</code>" in page
