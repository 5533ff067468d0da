"""GET /reports/quarter/{quarter} and /reports/year/{year}: JSON, CSV and XLSX."""

import io

import pytest
from openpyxl import load_workbook

from tests.api.conftest import error_of


@pytest.mark.parametrize("role", ("matcher", "analyst", "corporation"))
def test_the_quarter_report_is_json_by_default(api, role):
    response = api.get("/api/v1/reports/quarter/2019Q3", as_=role)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    report = response.get_json()
    assert report["period"]["code"] == "2019Q3"
    for section in ("quotas", "matching", "waiting", "contingents", "leases"):
        assert section in report


def test_a_corporation_gets_only_its_own_figures(api, users):
    report = api.get("/api/v1/reports/quarter/2019Q3", as_="corporation").get_json()
    assert report["scope"] == "own_figures"
    assert {row["corporation_id"] for row in report["quotas"]} <= {
        users["corporation"].organisation_id}
    everything = api.get("/api/v1/reports/quarter/2019Q3", as_="matcher").get_json()
    assert len(everything["quotas"]) > len(report["quotas"])


def test_the_municipality_gets_small_counts_suppressed(api):
    report = api.get("/api/v1/reports/year/2019", as_="analyst").get_json()
    assert report["suppressed_below"] == 5
    assert report["period"] == {"kind": "year", "code": "2019", "from": "2019-01-01",
                                "to": "2019-12-31"}


def test_accept_text_csv_gives_csv(api):
    response = api.get("/api/v1/reports/quarter/2019Q3", as_="analyst",
                       headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines()[0] == "section,row,metric,value"


def test_format_xlsx_gives_a_workbook(api):
    response = api.get("/api/v1/reports/year/2019?format=xlsx", as_="matcher")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.get_data()))
    assert "report" in book.sheetnames


def test_format_json_wins_over_accept(api):
    response = api.get("/api/v1/reports/quarter/2019Q3?format=json", as_="analyst",
                       headers={"Accept": "text/csv"})
    assert response.mimetype == "application/json"


@pytest.mark.parametrize("role", ("care_provider",))
def test_care_providers_do_not_read_reports(api, role):
    assert api.get("/api/v1/reports/quarter/2019Q3", as_=role).status_code == 403
    assert api.get("/api/v1/reports/year/2019", as_=role).status_code == 403


def test_a_bad_quarter_year_or_format_is_422(api):
    for path, field in (("/api/v1/reports/quarter/2019-3", "quarter"),
                        ("/api/v1/reports/year/nineteen", "year"),
                        ("/api/v1/reports/year/2019?format=pdf", "format")):
        response = api.get(path, as_="analyst")
        assert response.status_code == 422, path
        assert field in error_of(response)["fields"]


def test_reports_need_a_token(api):
    assert api.get("/api/v1/reports/year/2019", as_=None).status_code == 401
