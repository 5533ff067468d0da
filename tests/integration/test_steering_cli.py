"""`matching quarters total-lettings` and `matching statushouders rung`: the steering inputs
from the command line, acting as the user named by --by."""

from sqlmodel import Session, select

from matching.db import get_engine
from matching.models import StatushouderRung, TotalLettingsQuarter
from matching.reports.balance import balance
from matching.reports.statushouders import statushouder_half
from matching.services.users import user_by_email

AGENCY, ADMIN, CORPORATION = "staf@hvh.example", "beheer@hvh.example", "staf@portaal.example"


def _users(run) -> None:  # type: ignore[no-untyped-def]
    run("seed", "reference")
    for email, organisation, role in ((AGENCY, "Het Vierde Huis", "matcher"),
                                      (ADMIN, "Het Vierde Huis", "admin"),
                                      (CORPORATION, "Portaal", "corporation")):
        run("users", "create", email, "--organisation", organisation, "--role", role,
            input="een lang wachtwoord\n")


def _lettings(url: str) -> list[tuple[str, int, str]]:
    with Session(get_engine(url)) as session:
        return [(r.quarter, r.total, r.source) for r in session.exec(select(TotalLettingsQuarter))]


def _rungs(url: str) -> list[tuple[str, int, str]]:
    with Session(get_engine(url)) as session:
        return [(r.half_year, r.rung, r.note) for r in session.exec(select(StatushouderRung))]


def test_the_agency_enters_a_quarter_and_the_balance_divides_by_it(cli):
    _users(cli)
    entered = cli("quarters", "total-lettings", "2025Q1", "612", "--source", "WoningNet",
                  "--by", AGENCY)
    assert "total lettings 2025Q1: 612 (WoningNet)" in entered.output
    cli("quarters", "total-lettings", "2025Q1", "598", "--source", "WoningNet, definitief",
        "--by", ADMIN)
    assert _lettings(cli.url) == [("2025Q1", 598, "WoningNet, definitief")]
    with Session(get_engine(cli.url)) as session:
        figures = balance(session, year=2025, actor=user_by_email(session, AGENCY))
    # 2025's parameter is 2,750 a year: three quarters of it are still assumed.
    assert figures.total_lettings == 598 + 2063
    assert "2025Q1 598 entered (WoningNet, definitief)" in figures.source


def test_a_refused_total_names_each_field_exits_1_and_stores_nothing(cli):
    _users(cli)
    bad = cli("quarters", "total-lettings", "2025Q5", "veel", "--source", " ", "--by", AGENCY,
              ok=False)
    assert bad.exit_code == 1
    for line in ("invalid input:", "  quarter: ", "  total: must be a whole number",
                 "  source: is required"):
        assert line in bad.output
    zero = cli("quarters", "total-lettings", "2025Q1", "0", "--source", "x", "--by", AGENCY,
               ok=False)
    assert zero.exit_code == 1 and "total: must be a whole number from 1" in zero.output
    corporation = cli("quarters", "total-lettings", "2025Q1", "612", "--source", "WoningNet",
                      "--by", CORPORATION, ok=False)
    assert corporation.exit_code == 1 and "may not" in corporation.output
    nobody = cli("quarters", "total-lettings", "2025Q1", "612", "--source", "WoningNet",
                 "--by", "niemand@example.org", ok=False)
    assert nobody.exit_code == 1
    missing = cli("quarters", "total-lettings", "2025Q1", "612", "--by", AGENCY, ok=False)
    assert missing.exit_code != 0 and "--source" in missing.output
    assert _lettings(cli.url) == []


def test_the_administrator_records_a_rung_the_report_then_shows(cli):
    _users(cli)
    recorded = cli("statushouders", "rung", "2022H2", "4", "--note", "brief provincie",
                   "--by", ADMIN)
    assert "rung 4 recorded for 2022H2 (brief provincie)" in recorded.output
    with Session(get_engine(cli.url)) as session:
        half = statushouder_half(session, half="2022H2", actor=user_by_email(session, ADMIN))
    assert (half.rung, half.rung_note) == (4, "brief provincie")


def test_a_refused_rung_names_each_field_exits_1_and_stores_nothing(cli):
    _users(cli)
    bad = cli("statushouders", "rung", "2022H3", "9", "--note", "", "--by", ADMIN, ok=False)
    assert bad.exit_code == 1
    for line in ("  half: ", "  rung: must be a whole number from 1 to 6", "  note: is required"):
        assert line in bad.output
    agency = cli("statushouders", "rung", "2022H1", "3", "--note", "brief", "--by", AGENCY,
                 ok=False)
    assert agency.exit_code == 1 and "may not" in agency.output
    no_task = cli("statushouders", "rung", "2030H1", "3", "--note", "brief", "--by", ADMIN,
                  ok=False)
    assert no_task.exit_code == 1 and "no statushouder task" in no_task.output
    assert _rungs(cli.url) == []
