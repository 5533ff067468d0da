"""The year report on screen with its steering figures, and the page downloads a Dutch
spreadsheet opens as they are: `;`, a decimal comma, a BOM, headers in the page's language,
and in XLSX number cells that are numbers and date cells that are dates."""

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlmodel import Session

from matching.models import User
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from tests.factories import ClientData, DwellingData
from tests.web.test_english import in_english, visible_text

BOM = "\ufeff"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


@pytest.fixture
def year_2025(reference: Session, users: dict[str, User]) -> None:
    """2025 at Mitros: one dwelling let to a Lister client in March, two Lister clients
    still waiting (fewer than five: the municipality sees them suppressed), and a Portaal
    dwelling submitted, which Mitros must not see."""
    session, lister, matcher = reference, users["care_provider"], users["matcher"]
    mitros = users["corporation"]

    def waiting(day: date):
        client = register_client(session, data=ClientData(registered_on=day), actor=lister,
                                 now=at(day))
        return approve_client(session, client_id=client.id, actor=matcher, now=at(day))

    housed = waiting(date(2025, 1, 6))
    dwelling = create_dwelling(session, data=DwellingData(available_from=date(2025, 3, 1)),
                               actor=mitros, now=at(date(2025, 1, 7)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=mitros, now=at(date(2025, 1, 7)))
    proposal = propose_candidates(session, dwelling_id=dwelling.id, client_ids=[housed.id],
                                  actor=matcher, motivation="test", now=at(date(2025, 1, 8)))
    decide_candidate(session, proposal_id=proposal.id, client_id=housed.id, decision="accept",
                     actor=mitros, now=at(date(2025, 1, 9)))
    record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted", actor=matcher,
                        now=at(date(2025, 1, 10)))
    let_dwelling(session, dwelling_id=dwelling.id, lease_start=date(2025, 3, 1),
                 lease_type="direct", actor=mitros, now=at(date(2025, 2, 20)))
    waiting(date(2025, 2, 3))
    waiting(date(2025, 2, 4))
    portaal = users["other_corporation"]
    other = create_dwelling(session, data=DwellingData(address="Portaalstraat 1, Utrecht"),
                            actor=portaal, now=at(date(2025, 4, 2)))
    submit_dwelling(session, dwelling_id=other.id, actor=portaal, now=at(date(2025, 4, 2)))


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _rows(client: FlaskClient, path: str) -> list[list[str]]:
    """A CSV download as a Dutch Excel reads it: BOM first, `;` between cells."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";"))


def _row(rows: list[list[str]], first: str) -> list[str]:
    found = [row for row in rows if row and row[0] == first]
    assert found, f"no row starting with {first!r}"
    return found[0]


def _waiting_cell(page: str, group: str) -> str:
    """The `waiting` cell of a target group's row in the page's waiting table."""
    match = re.search(rf"<th scope=\"row\">{re.escape(group)}</th>\s*<td class=\"num\">(.*?)</td>",
                      page, re.S)
    assert match, f"no waiting row for {group}"
    return visible_text(match.group(1))


def test_the_year_page_shows_the_years_sections_and_leads_to_its_quarters_and_neighbours(
    signed_in, year_2025
):
    page = _page(signed_in("matcher"), "/rapportages/jaar?jaar=2025")
    assert "Jaarrapportage 2025" in page
    assert "Voordracht per corporatie" in page and "Mitros" in page
    assert "Wachtenden per doelgroep" in page
    for quarter in ("K1 2025", "K2 2025", "K3 2025", "K4 2025"):
        assert quarter in page
    assert 'href="/rapportages?kwartaal=2025Q1"' in page
    assert 'href="/rapportages/jaar?jaar=2024"' in page
    assert 'href="/rapportages/jaar?jaar=2026"' in page
    assert 'href="/rapportages/jaar/2025.csv"' in page

    quarter = _page(signed_in("matcher"), "/rapportages?kwartaal=2025Q1")
    assert 'href="/rapportages/jaar?jaar=2025"' in quarter
    assert 'href="/rapportages/jaar?jaar=2025#sturing"' in quarter


def test_the_analyst_sees_small_counts_marked_and_the_agency_sees_them(signed_in, year_2025):
    analyst = _page(signed_in("analyst"), "/rapportages/jaar?jaar=2025")
    assert _waiting_cell(analyst, "Uitstroom MO/BW") == "x"
    assert "een x voor een aantal van minder dan 5" in analyst
    matcher = _page(signed_in("matcher"), "/rapportages/jaar?jaar=2025")
    assert _waiting_cell(matcher, "Uitstroom MO/BW") == "2"


def test_a_corporation_reads_its_own_year_without_steering_figures(signed_in, year_2025):
    corporation = signed_in("corporation")
    page = _page(corporation, "/rapportages/jaar?jaar=2025")
    assert "Jaarrapportage 2025" in page and "Mitros" in page
    assert "Portaal" not in page
    assert "Sturingscijfers" not in page and "Verdeelbesluit" not in page
    assert "Wachtenden per doelgroep" not in page
    quarter = _page(corporation, "/rapportages?kwartaal=2025Q1")
    assert "#sturing" not in quarter
    for figure in ("balans", "verdeelbesluit", "statushouders"):
        assert corporation.get(f"/rapportages/jaar/2025/{figure}.csv").status_code == 403
    rows = _rows(corporation, "/rapportages/jaar/2025.csv")
    assert _row(rows, "Mitros")
    assert not [row for row in rows if "Portaal" in row]


@pytest.mark.parametrize("role", ["matcher", "analyst"])
def test_the_agency_and_the_municipality_see_the_steering_figures(signed_in, year_2025, role):
    page = _page(signed_in(role), "/rapportages/jaar?jaar=2025")
    text = visible_text(page)
    assert "Sturingscijfers 2025" in text
    assert "de 30-procentrichtlijn" in text and "Voorrangsverhuringen" in text
    # The verdeelbesluit 2025 in Dutch numbers: 1,235 places, 1,103 asked, 132 self-searchers.
    assert "Verdeelbesluit tegen realisatie" in text
    for figure in ("1.235 plaatsen in het verdeelbesluit", "1.103 gevraagd van de corporaties",
                   "132 zelfzoekers"):
        assert figure in text
    assert "nodig per maand" in text and "prognose jaareinde" in text
    # 2025-I: task 369 and a backlog of 318 (the province's rung 3); 2025-II has no task yet.
    assert "2025-I" in text and "369" in text and "318" in text
    assert "3 – Actief toezicht" in text and "computed:" in text
    assert "Geen taakstelling vastgelegd voor dit halfjaar." in text
    # The assumed year-end band: 70-80% of 1,235, a shortfall of 247 to 371 places.
    assert ("70,0% tot 80,0% van de plaatsen: 864 tot 988 plaatsen, een tekort van 247 tot "
            "371 plaatsen") in text
    # The improvement plan: more than half of the backlog of 318.
    assert "meer dan de helft van de achterstand inlopen, 159 personen" in text
    # The one let counts as realised: the matcher sees it, the analyst sees it suppressed.
    realised = re.search(r"(x|\d+) gerealiseerd van het gevraagde", text)
    assert realised and realised.group(1) == ("x" if role == "analyst" else "1")


def test_a_year_without_reference_figures_says_so_in_sentences(signed_in):
    matcher = signed_in("matcher")
    text = visible_text(_page(matcher, "/rapportages/jaar?jaar=2010"))
    assert "Voor 2010 zijn geen verhuurcijfers bekend." in text
    assert "Voor 2010 is geen verdeelbesluit vastgelegd." in text
    assert "Voor 2010 is geen taakstelling voor statushouders vastgelegd." in text
    assert matcher.get("/rapportages/jaar/2010/verdeelbesluit.csv").status_code == 404
    assert matcher.get("/rapportages/jaar/2010.csv").status_code == 200


def test_a_nonsense_year_is_a_404(signed_in):
    analyst = signed_in("analyst")
    for path in ("/rapportages/jaar?jaar=twintig", "/rapportages/jaar?jaar=1999",
                 "/rapportages/jaar/20x5.csv", "/rapportages/jaar/2025.pdf",
                 "/rapportages/jaar/2025/onbekend.csv"):
        assert analyst.get(path).status_code == 404, path


def test_the_year_csv_has_semicolons_a_decimal_comma_and_dutch_headers(signed_in, year_2025):
    rows = _rows(signed_in("matcher"), "/rapportages/jaar/2025.csv")
    assert rows[0] == ["Jaarrapportage 2025"]
    header = _row(rows, "Corporatie")
    assert header[:3] == ["Corporatie", "Quotum", "Voorgedragen"]
    assert "corporation_id" not in header
    assert _row(rows, "Stand per")[1] == "31-12-2025"
    # 1,235 places a year is 102.9 a month: written with a decimal comma.
    assert _row(rows, "Maandtempo volgens het besluit")[1] == "102,9"
    assert _row(rows, "Plaatsen in het verdeelbesluit")[1] == "1235"
    assert _row(rows, "Halfjaar")[:2] == ["Halfjaar", "Taakstelling"]


def test_the_analysts_download_marks_the_suppressed_cells(signed_in, year_2025):
    rows = _rows(signed_in("analyst"), "/rapportages/jaar/2025.csv")
    header = _row(rows, "Code doelgroep")
    mobw = _row(rows, "mobw_uitstroom")
    cells = dict(zip(header, mobw, strict=True))
    assert cells["Wachtend"] == "" and cells["Niet getoond (minder dan 5)"] == "ja"


def test_the_csv_follows_the_language_switch(signed_in, year_2025):
    matcher = in_english(signed_in("matcher"))
    rows = _rows(matcher, "/rapportages/jaar/2025.csv")
    assert rows[0] == ["Annual report 2025"]
    assert _row(rows, "Corporation")[:3] == ["Corporation", "Quota", "Submitted"]
    assert _row(rows, "Monthly pace of the decision")[1] == "102,9"
    waiting = dict(zip(_row(rows, "Target group code"), _row(rows, "mobw_uitstroom"), strict=True))
    assert waiting["Target group"] == "Outflow from shelter and protected living (MO/BW)"
    quarter = _rows(matcher, "/rapportages/2025Q1.csv")
    assert quarter[0] == ["Key figures Q1 2025"]
    assert _row(quarter, "Corporation")


def test_the_quarter_csv_is_dutch_too(signed_in, year_2025):
    rows = _rows(signed_in("matcher"), "/rapportages/2025Q1.csv")
    assert rows[0] == ["Kerncijfers K1 2025"]
    assert _row(rows, "Stand per")[1] == "31-03-2025"
    assert _row(rows, "Periode")[1] == "2025Q1"
    assert _row(rows, "Corporatie")[:2] == ["Corporatie", "Quotum"]
    assert _row(rows, "Omklapcontracten lopend")[1] == "0"


def test_the_xlsx_holds_numbers_as_numbers_and_dates_as_dates(signed_in, year_2025):
    response = signed_in("matcher").get("/rapportages/jaar/2025.xlsx")
    assert response.status_code == 200
    assert 'filename="rapportage-2025.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    overview = {row[0].value: row[1] for row in book["Overzicht"].iter_rows(min_row=3)}
    as_of = overview["Stand per"]
    assert as_of.is_date and as_of.value == datetime(2025, 12, 31)
    assert as_of.number_format == "dd-mm-yyyy"

    quotas = list(book["Voordracht per corporatie"].iter_rows(min_row=2, values_only=True))
    assert quotas[0][:3] == ("Corporatie", "Quotum", "Voorgedragen")
    mitros = next(row for row in quotas if row[0] == "Mitros")
    assert isinstance(mitros[1], int) and isinstance(mitros[2], int) and mitros[2] >= 1

    allocation = {row[0]: row[1] for row in book["Verdeelbesluit"].iter_rows(
        min_row=3, values_only=True)}
    assert allocation["Plaatsen in het verdeelbesluit"] == 1235
    assert allocation["Maandtempo volgens het besluit"] == pytest.approx(102.9)
    assert isinstance(allocation["Stand per"], datetime)


def test_each_steering_figure_downloads_on_its_own(signed_in, year_2025):
    analyst = signed_in("analyst")
    rows = _rows(analyst, "/rapportages/jaar/2025/statushouders.csv")
    assert rows[0] == ["Statushouders per halfjaar 2025"]
    header = _row(rows, "Halfjaar")
    first = dict(zip(header, _row(rows, "2025H1"), strict=True))
    assert first["Taakstelling"] == "369" and first["Trede interventieladder"] == "3"
    assert first["Achterstand aan het begin"] == "318"

    balance = _rows(analyst, "/rapportages/jaar/2025/balans.csv")
    assert _row(balance, "Richtlijn (%)")[1] == "30,0"
    xlsx = analyst.get("/rapportages/jaar/2025/verdeelbesluit.xlsx")
    groups = load_workbook(io.BytesIO(xlsx.data))["Verdeelbesluit per groep"]
    rows = list(groups.iter_rows(min_row=2, values_only=True))
    column = rows[0].index("Plaatsen")
    places = [row[column] for row in rows[1:]]
    assert places and all(isinstance(n, int) for n in places) and sum(places) == 1235
