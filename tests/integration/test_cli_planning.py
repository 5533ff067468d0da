"""`matching planning`: the approach's pro-rated task shown and confirmed, and a new year's
provisional contingents written by `tick` and confirmed by the contingent manager."""

from sqlmodel import Session, select

from matching.db import get_engine
from matching.models import Contingent, Organisation, User


def test_the_approach_start_is_shown_and_confirmed_by_an_administrator(cli):
    cli("seed", "reference")
    shown = cli("planning", "show", "2019").output
    assert "2019 full year: 385 (97/96/96/96), instroom 77" in shown
    assert "from month 8 (2019Q3): 160 (0/0/64/96), instroom 32; policy choice" in shown
    cli("users", "create", "beheer@example.org", "--organisation", "Het Vierde Huis",
        "--role", "admin", "--generate-password")
    cli("users", "create", "hvh@example.org", "--organisation", "Het Vierde Huis",
        "--role", "matcher", "--generate-password")
    refused = cli("planning", "confirm-start", "2019", "--by", "hvh@example.org", ok=False)
    assert refused.exit_code == 1
    cli("planning", "confirm-start", "2019", "--by", "beheer@example.org")
    assert "confirmed by beheer@example.org" in cli("planning", "show", "2019").output
    again = cli("planning", "confirm-start", "2019", "--by", "beheer@example.org", ok=False)
    assert again.exit_code == 1 and "confirmed already" in again.output


def test_tick_on_new_years_day_divides_the_year_and_the_manager_confirms(cli):
    cli("seed", "reference")
    cli("users", "create", "hvh@example.org", "--organisation", "Het Vierde Huis",
        "--role", "matcher", "--generate-password")
    with Session(get_engine(cli.url)) as session:
        lister = session.exec(select(Organisation).where(Organisation.name == "Lister")).one()
        session.add(Contingent(year=2019, care_provider_id=lister.id, contingent=70))
        manager = session.exec(select(User).where(User.email == "hvh@example.org")).one()
        manager.contingent_manager = True
        session.add(manager)
        session.commit()
    first = cli("tick", "--now", "2020-01-01T06:00:00+01:00").output
    assert "contingents: the year divided provisionally" in first
    assert "contingents_provisional 1" in first
    assert "contingents:" not in cli("tick", "--now", "2020-01-01T07:00:00+01:00").output
    assert "contingents: provisional" in cli("planning", "show", "2020").output
    cli("planning", "confirm-contingents", "2020", "--by", "hvh@example.org")
    assert "contingents: not provisional" in cli("planning", "show", "2020").output
