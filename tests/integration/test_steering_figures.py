"""The steering figures replay the documents: the 30% balance of 2015-2018 (Plan van Aanpak
2019), a system year counted from lets, and the province's IBT half-years of 2022."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from matching.models import StatushouderRung, StatushouderTask, TotalLettingsQuarter
from matching.reports.balance import balance
from matching.reports.statushouders import statushouder_half
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.leases import let_dwelling, register_institution_lease
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.steering import set_statushouder_rung, set_total_lettings
from tests.factories import ClientData, DwellingData, make_user


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


@pytest.fixture
def people(reference: Session):
    return {
        "matcher": make_user(reference, "Het Vierde Huis", "matcher"),
        "analyst": make_user(reference, "Gemeente Utrecht", "analyst"),
        "admin": make_user(reference, "Het Vierde Huis", "admin"),
        "portaal": make_user(reference, "Portaal", "corporation"),
        "lister": make_user(reference, "Lister", "care_provider"),
    }


def _let(session: Session, people, day: date, **client) -> None:
    """Let one dwelling through the whole workflow on `day` (the client is housed then)."""
    person = register_client(session, data=ClientData(**client), actor=people["lister"],
                             now=at(date(day.year, 1, 2)))
    approve_client(session, client_id=person.id, actor=people["matcher"],
                   now=at(date(day.year, 1, 3)))
    dwelling = create_dwelling(session, data=DwellingData(rooms=3, floor_area_m2=75),
                               actor=people["portaal"],
                               now=at(date(day.year, 1, 4)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=people["portaal"],
                    now=at(date(day.year, 1, 4)))
    proposal = propose_candidates(session, dwelling_id=dwelling.id, client_ids=[person.id],
                                  actor=people["matcher"], now=at(date(day.year, 1, 5)))
    decide_candidate(session, proposal_id=proposal.id, client_id=person.id, decision="accept",
                     actor=people["portaal"], now=at(date(day.year, 1, 6)))
    record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted",
                        actor=people["matcher"], now=at(date(day.year, 1, 7)))
    let_dwelling(session, dwelling_id=dwelling.id, lease_start=day, lease_type="direct",
                 actor=people["portaal"], now=at(day))


@pytest.mark.parametrize(("year", "priority", "total", "pct"), [
    (2015, 935, 2448, "38.2"), (2016, 785, 2264, "34.7"),
    (2017, 679, 2319, "29.3"), (2018, 633, 2439, "26.0"),
])
def test_the_balance_of_2015_to_2018_replays_the_plans_table(reference, people, year,
                                                              priority, total, pct):
    figures = balance(reference, year=year, actor=people["analyst"])
    assert (figures.priority_lettings, figures.total_lettings) == (priority, total)
    assert figures.pct == Decimal(pct)
    assert figures.guideline_pct == Decimal("30")
    assert figures.source.startswith("[001]")


def test_2016_keeps_the_other_printed_total_and_says_why_2264_is_used(reference, people):
    source = balance(reference, year=2016, actor=people["matcher"]).source
    assert "2,246" in source and "34.7%" in source


def test_a_system_year_counts_its_lets_against_the_quarters_entered(reference, people):
    for day in (date(2020, 2, 10), date(2020, 5, 10), date(2020, 11, 10)):
        _let(reference, people, day)
    for quarter, total in (("2020Q1", 2), ("2020Q2", 3), ("2020Q3", 2), ("2020Q4", 3)):
        set_total_lettings(reference, quarter=quarter, total=total, source="WoningNet",
                           actor=people["matcher"])
    figures = balance(reference, year=2020, actor=people["matcher"])
    assert (figures.priority_lettings, figures.total_lettings, figures.pct) == (
        3, 10, Decimal("30.0"))
    assert "2020Q4 3 entered (WoningNet)" in figures.source
    assert "assumption" not in figures.source


def test_a_quarter_nobody_entered_counts_as_a_quarter_of_the_year_parameter(reference, people):
    _let(reference, people, date(2019, 8, 15))
    set_total_lettings(reference, quarter="2019Q3", total=580, source="WoningNet Q3",
                       actor=people["admin"])
    figures = balance(reference, year=2019, actor=people["analyst"])
    # 580 entered + 3/4 of the plan's 2,400 assumed for Q1, Q2 and Q4.
    assert (figures.priority_lettings, figures.total_lettings) == (1, 580 + 1800)
    assert figures.pct == Decimal("0.0")
    assert "2019Q1, 2019Q2, 2019Q4 not entered: assumption" in figures.source


def test_without_any_quarter_the_whole_year_parameter_is_the_assumed_total(reference, people):
    figures = balance(reference, year=2025, actor=people["analyst"], today=date(2026, 1, 5))
    assert (figures.priority_lettings, figures.total_lettings, figures.pct) == (0, 2750, 0)
    assert "assumption, 4/4 of the year parameter mobw_total_lettings 2750" in figures.source


def test_institution_leases_are_not_lettings(reference, people):
    register_institution_lease(
        reference, care_provider_id=people["lister"].organisation_id, address="Oudegracht 1",
        start_on=date(2021, 3, 1), actor=people["portaal"], now=at(date(2021, 3, 1)))
    assert balance(reference, year=2021, actor=people["matcher"]).priority_lettings == 0


@pytest.mark.parametrize("year", [2010, 2099])
def test_a_year_without_figures_is_not_found(reference, people, year):
    with pytest.raises(NotFound):
        balance(reference, year=year, actor=people["matcher"])


def test_2022h1_replays_the_provinces_letter(reference, people):
    half = statushouder_half(reference, half="2022H1", actor=people["analyst"])
    assert (half.task, half.backlog_start, half.total, half.realised) == (204, 171, 375, 168)
    assert (half.pct_of_task, half.pct_of_total) == (Decimal("82.4"), Decimal("44.8"))
    assert half.backlog_end == 207
    assert half.rung == 3
    assert "207 >= task 204" in half.rung_note


def test_2022h2_has_a_totaalopgave_of_482_and_counts_housed_persons(reference, people):
    _let(reference, people, date(2022, 9, 1), target_group="statushouder", adults=2, children=2)
    _let(reference, people, date(2022, 9, 2))  # not a statushouder
    half = statushouder_half(reference, half="2022H2", actor=people["matcher"])
    assert (half.task, half.backlog_start, half.total) == (275, 207, 482)
    assert half.realised == 4  # persons, not dwellings
    assert half.backlog_end == 478
    # 478 >= 275 for the second half-year running after 2022H1: rung 4.
    assert half.rung == 4 and "2nd consecutive period" in half.rung_note


def test_an_administrator_records_the_rung_the_province_decided(reference, people):
    set_statushouder_rung(reference, half="2022H2", rung=3, note="provincie: blijft trede 3",
                          actor=people["admin"])
    half = statushouder_half(reference, half="2022H2", actor=people["analyst"])
    assert (half.rung, half.rung_note) == (3, "provincie: blijft trede 3")
    set_statushouder_rung(reference, half="2022H2", rung=2, note="de-escalatie",
                          actor=people["admin"])
    assert statushouder_half(reference, half="2022H2", actor=people["analyst"]).rung == 2
    assert reference.exec(select(func.count()).select_from(StatushouderRung)).one() == 1


def test_an_unknown_or_malformed_half_is_refused(reference, people):
    with pytest.raises(NotFound):
        statushouder_half(reference, half="2030H1", actor=people["matcher"])
    with pytest.raises(ValidationFailed):
        statushouder_half(reference, half="2022H3", actor=people["matcher"])


@pytest.mark.parametrize("who", ["portaal", "lister"])
def test_corporations_and_care_providers_do_not_read_the_figures(reference, people, who):
    with pytest.raises(PermissionDenied):
        balance(reference, year=2016, actor=people[who])
    with pytest.raises(PermissionDenied):
        statushouder_half(reference, half="2022H1", actor=people[who])


def _written(session: Session) -> tuple[int, int]:
    return (session.exec(select(func.count()).select_from(TotalLettingsQuarter)).one(),
            session.exec(select(func.count()).select_from(StatushouderRung)).one())


@pytest.mark.parametrize(("who", "kwargs", "error"), [
    ("analyst", {"quarter": "2020Q1", "total": 600}, PermissionDenied),
    ("portaal", {"quarter": "2020Q1", "total": 600}, PermissionDenied),
    ("matcher", {"quarter": "2020Q5", "total": 600}, ValidationFailed),
    ("matcher", {"quarter": "2020Q1", "total": 0}, ValidationFailed),
    ("matcher", {"quarter": "2020Q1", "total": -3}, ValidationFailed),
    ("matcher", {"quarter": "2020Q1", "total": True}, ValidationFailed),
    ("matcher", {"quarter": "2020Q1", "total": 600, "source": "  "}, ValidationFailed),
    ("matcher", {"quarter": "2020Q1", "total": 600, "source": "Woning\x00Net"},
     ValidationFailed),
])
def test_refused_total_lettings_leave_nothing_written(reference, people, who, kwargs, error):
    with pytest.raises(error):
        set_total_lettings(reference, actor=people[who], **{"source": "WoningNet", **kwargs})
    assert _written(reference) == (0, 0)


@pytest.mark.parametrize(("who", "kwargs", "error"), [
    ("matcher", {}, PermissionDenied),
    ("analyst", {}, PermissionDenied),
    ("admin", {"rung": 7}, ValidationFailed),
    ("admin", {"rung": 0}, ValidationFailed),
    ("admin", {"note": ""}, ValidationFailed),
    ("admin", {"note": "be\x00sluit"}, ValidationFailed),
    ("admin", {"half": "2022-1"}, ValidationFailed),
    ("admin", {"half": "2030H2"}, NotFound),
])
def test_refused_rungs_leave_nothing_written(reference, people, who, kwargs, error):
    with pytest.raises(error):
        set_statushouder_rung(reference, actor=people[who],
                              **{"half": "2022H1", "rung": 4, "note": "besluit", **kwargs})
    assert _written(reference) == (0, 0)
    assert statushouder_half(reference, half="2022H1", actor=people["admin"]).rung == 3


def test_the_reference_rows_for_2022_are_loaded(reference):
    assert reference.get(StatushouderTask, "2022H1").task == 204
    assert reference.get(StatushouderTask, "2022H2").backlog_start == 207
