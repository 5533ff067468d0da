"""POST /quarters/{quarter}/close and the frozen quarter report (contract 1.1)."""

from datetime import UTC, date, datetime

import pytest

from matching.quarters import quarter_of
from matching.services.clients import approve_client, hold_client, register_client
from matching.services.timers import run_tick
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.api.conftest import error_of
from tests.factories import ClientData


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def test_an_open_quarter_report_says_so_and_names_its_day(api):
    report = api.get("/api/v1/reports/quarter/2019Q3", as_="matcher").get_json()
    assert (report["frozen"], report["as_of"], report["corrections"]) == (
        False, "2019-09-30", [])


def test_the_agency_closes_a_quarter_and_its_report_never_changes_again(api, users, reference):
    lister, matcher = users["care_provider"], users["matcher"]
    client = register_client(reference, data=ClientData(), actor=lister, now=at(date(2019, 7, 1)))
    approve_client(reference, client_id=client.id, actor=matcher, now=at(date(2019, 7, 2)))
    response = api.post("/api/v1/quarters/2019Q3/close", as_="matcher")
    assert response.status_code == 200, response.get_data(as_text=True)
    closed = response.get_json()
    assert set(closed) == {"quarter", "closed_at", "closed_by"}
    assert closed["quarter"] == "2019Q3"
    assert closed["closed_by"]["id"] == matcher.id
    assert closed["closed_by"]["organisation"] == "Het Vierde Huis"

    def files() -> tuple[bytes, bytes]:
        path = "/api/v1/reports/quarter/2019Q3"
        return (api.get(path, as_="analyst").get_data(),
                api.get(path, as_="analyst", headers={"Accept": "text/csv"}).get_data())

    json_before, csv_before = files()
    report = api.get("/api/v1/reports/quarter/2019Q3", as_="matcher").get_json()
    assert report["frozen"] is True
    assert (datetime.fromisoformat(report["closed_at"])
            == datetime.fromisoformat(closed["closed_at"]))
    hold_client(reference, client_id=client.id, actor=lister, now=at(date(2019, 9, 1)))
    run_tick(reference, now=at(date(2021, 1, 1)))
    assert files() == (json_before, csv_before)
    xlsx = api.get("/api/v1/reports/quarter/2019Q3?format=xlsx", as_="corporation")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_closing_twice_or_a_running_quarter_is_409(api):
    assert api.post("/api/v1/quarters/2019Q3/close", as_="matcher").status_code == 200
    again = api.post("/api/v1/quarters/2019Q3/close", as_="matcher")
    assert again.status_code == 409 and "closed already" in error_of(again)["message"]
    running = quarter_of(local_date(utcnow()))
    refused = api.post(f"/api/v1/quarters/{running}/close", as_="matcher")
    assert refused.status_code == 409 and "not ended" in error_of(refused)["message"]


@pytest.mark.parametrize("role", ("corporation", "analyst", "care_provider", "admin"))
def test_only_the_agency_closes_a_quarter(api, role):
    assert api.post("/api/v1/quarters/2019Q3/close", as_=role).status_code == 403
    report = api.get("/api/v1/reports/quarter/2019Q3", as_="matcher").get_json()
    assert report["frozen"] is False


def test_a_malformed_quarter_is_422_and_no_token_is_401(api):
    assert api.post("/api/v1/quarters/2019-3/close", as_="matcher").status_code == 422
    assert api.post("/api/v1/quarters/2019Q3/close", as_=None).status_code == 401


def test_the_document_describes_closing(api):
    document = api.get("/api/v1/openapi.json", as_=None).get_json()
    operation = document["paths"]["/api/v1/quarters/{quarter}/close"]["post"]
    assert "closed_by" in operation["description"]
