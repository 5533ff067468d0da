"""The demand-supply dashboard: who opens it, what its tables say, and what the municipality
may not see."""

from datetime import date
from html.parser import HTMLParser

import pytest
from sqlmodel import Session

from matching.models import User
from matching.reports import quarter_report
from matching.reports.allocation import allocation_report
from matching.reports.charts import number
from matching.reports.statushouders import statushouder_half
from matching.services.closing import close_quarter
from tests.dashboard_data import QUARTER, dashboard_year, waiting
from tests.web.test_english import in_english

PAGE = f"/dashboard?kwartaal={QUARTER}"


@pytest.fixture
def world(reference: Session, users: dict[str, User]) -> Session:
    dashboard_year(reference, users)
    return reference


class Tables(HTMLParser):
    """The rows of each table of a page, by its caption's id: the cells' text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._caption: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows = []
        elif tag == "caption" and self._rows is not None:
            self._caption = dict(attrs).get("id") or ""
            self.tables[self._caption] = self._rows
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._rows is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _rows(page: str, caption_id: str) -> dict[str, list[str]]:
    """A table's body rows by their first cell (the header row left out)."""
    rows = Tables(page).tables[caption_id]
    return {row[0]: row[1:] for row in rows[1:]}


def test_the_agency_and_the_municipality_open_the_dashboard_and_others_may_not(
    signed_in, world, app
):
    for role in ("matcher", "analyst"):
        response = signed_in(role).get(PAGE)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, role
        assert "Dashboard vraag en aanbod K2 2025" in page
        assert page.count('role="img"') == 5, role  # five charts, each an image with a name
        for caption in ("tabel-verdeelbesluit", "tabel-wachtenden", "tabel-wachttijd",
                        "tabel-quotum", "tabel-statushouders"):
            assert f'<caption id="{caption}">' in page, (role, caption)
        assert 'href="/dashboard"' in page  # in the menu
    for role in ("corporation", "care_provider", "admin"):
        assert signed_in(role).get(PAGE).status_code == 403, role
        assert 'href="/dashboard"' not in signed_in(role).get("/profiel").get_data(as_text=True)
    anonymous = app.test_client().get(PAGE)
    assert anonymous.status_code == 302 and "/aanmelden" in anonymous.location


def test_the_chart_styles_are_served_as_a_stylesheet_for_the_same_readers(signed_in):
    response = signed_in("analyst").get("/dashboard/grafieken.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert ".pygal-chart .color-0" in response.get_data(as_text=True)
    assert signed_in("corporation").get("/dashboard/grafieken.css").status_code == 403


def test_the_tables_say_what_the_services_say(signed_in, world, users):
    page = signed_in("matcher").get(PAGE).get_data(as_text=True)
    matcher = users["matcher"]

    allocation = allocation_report(world, year=2025, actor=matcher, as_of=date(2025, 6, 30))
    table = _rows(page, "tabel-verdeelbesluit")
    assert len(table) == len(allocation["groups"]) + 1  # and the total
    for group in allocation["groups"]:
        assert table[group["group"]][:2] == [number(group["places"]), number(group["realised"])]
    assert table["Statushouders"][1] == "2" and table["Totaal"][0] == "1.235"
    assert f"{number(allocation['per_month_needed'])}" in page

    report = quarter_report(world, quarter=QUARTER, actor=matcher)
    waiters = _rows(page, "tabel-wachtenden")
    assert waiters["Uitstroom MO/BW"] == ["6"]
    assert waiters["Statushouders (vergunninghouders)"] == ["2"]
    assert sum(int(cells[0]) for cells in waiters.values()) == sum(
        row["waiting"] for row in report["waiting"])
    waits = _rows(page, "tabel-wachttijd")
    mobw = next(row for row in report["waiting"] if row["target_group"] == "mobw_uitstroom")
    assert waits["Uitstroom MO/BW"] == [
        number(mobw["median_days"]), number(mobw["p90_days"]),
        f"{number(mobw['share_past_three_months'] * 100)},0%"]
    # 3 of the 6 have waited past 91 days: one decimal, as on the report pages
    assert waits["Uitstroom MO/BW"][2] == "50,0%"

    quotas = _rows(page, "tabel-quotum")
    assert quotas, "no quota rows"
    for row in report["quotas"]:
        assert quotas[row["corporation"]] == [number(row[key]) for key in (
            "quota", "submitted", "instroom_quota", "instroom_submitted", "backlog")]
    assert quotas["Mitros"][1] == "3"

    half = statushouder_half(world, half="2025H1", actor=matcher)
    statushouders = _rows(page, "tabel-statushouders")
    assert statushouders == {
        "Taakstelling": ["369"], "Achterstand aan het begin": ["318"],
        "Totaalopgave": ["687"], "Gerealiseerd": [number(half.realised)],
        "Achterstand aan het eind": [number(half.backlog_end)]}
    assert half.realised == 2  # the two statushouders housed, one person each
    assert "Trede 3" in page and "Actief toezicht" in page


def test_the_municipality_sees_small_counts_as_hidden_not_as_zero(signed_in, world):
    page = signed_in("analyst").get(PAGE).get_data(as_text=True)
    allocation = _rows(page, "tabel-verdeelbesluit")
    assert allocation["Statushouders"][1] == "x"  # two lets
    assert allocation["Beter Wonen (excl. slachtoffers huiselijk geweld en mensenhandel)"][1] \
        == "5"
    waiters = _rows(page, "tabel-wachtenden")
    assert waiters["Statushouders (vergunninghouders)"] == ["x"]
    assert waiters["Uitstroom MO/BW"] == ["6"] and waiters["Urgenten met beschikking"] == ["0"]
    # The hidden rows have no wait figures, and their chart rows say why they have no bar.
    assert "Statushouders (vergunninghouders)" not in _rows(page, "tabel-wachttijd")
    assert "Statushouders (… (x)</text>" in page
    assert "een x voor een aantal van minder dan 5" in page.lower()


def test_a_closed_quarter_shows_its_published_waiting_figures(signed_in, world, users):
    close_quarter(world, quarter=QUARTER, actor=users["matcher"])
    # Recorded after the closing, waiting since June: the live count would be 7.
    waiting(world, users, "mobw_uitstroom", date(2025, 6, 2))
    page = signed_in("matcher").get(PAGE).get_data(as_text=True)
    assert _rows(page, "tabel-wachtenden")["Uitstroom MO/BW"] == ["6"]
    assert "vastgestelde rapportage" in page


def test_numbers_follow_the_language_and_nonsense_quarters_are_not_found(signed_in, world):
    english = in_english(signed_in("matcher")).get(PAGE).get_data(as_text=True)
    assert "Demand and supply dashboard Q2 2025" in english
    assert _rows(english, "tabel-verdeelbesluit")["Total"][0] == "1,235"
    client = signed_in("analyst")
    for query in ("2025Q9", "0000Q1", "abc"):
        assert client.get(f"/dashboard?kwartaal={query}").status_code == 404, query
