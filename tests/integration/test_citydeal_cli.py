"""`matching citydeal nominate`: the Citydeal-overleg's nomination of a City Deal client from
the command line (SQLite, and PostgreSQL when configured), with clear refusals (exit 1) that
write nothing, and the nomination counted in the year's City Deal contingent."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from click.testing import Result
from sqlmodel import Session, select

from matching.models import AccessLog, Client
from matching.reports.citydeal import citydeal_year
from matching.reports.period import Reader
from matching.services.clients import withdraw_client
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.world import World


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def _args(world: World, **change: str) -> list[str]:
    """The command for Lister's client CD-1 on 2019-07-02 by the agency's user, with the
    options in `change` (named without their dashes) replaced."""
    options = {"client": "CD-1", "organisation": "Lister", "on": "2019-07-02",
               "by": world.matcher.email} | change
    return ["citydeal", "nominate", *(part for name, value in options.items()
                                      for part in (f"--{name}", value))]


def _nominated_on(world: World, client_id: int) -> date | None:
    with Session(world.session.get_bind()) as fresh:
        client = fresh.get(Client, client_id)
        assert client is not None
        return client.citydeal_nominated_on


@pytest.fixture
def cli(cli_on_each_database: Callable[..., Result]) -> Callable[..., Result]:
    """The command line on SQLite and PostgreSQL (tests/integration/conftest.py)."""
    return cli_on_each_database


def test_the_agency_records_a_nomination_that_counts_in_the_year(world, cli):
    client = world.waiting(reference="CD-1", target_group="citydeal")
    result = cli(*_args(world))
    assert result.output == ("client CD-1 of Lister: nominated by the Citydeal-overleg on "
                             "2019-07-02; counts toward the City Deal contingent of 2019\n")
    assert _nominated_on(world, client.id) == date(2019, 7, 2)
    with Session(world.session.get_bind()) as fresh:
        [change] = fresh.exec(select(AccessLog).where(
            AccessLog.client_id == client.id, AccessLog.purpose == "citydeal nomination"))
        assert (change.action, change.access_point, change.user_id) == (
            "change", "cli matching citydeal nominate", world.matcher.id)
        year = citydeal_year(fresh, year=2019, as_of=date(2019, 12, 31),
                             reader=Reader("matcher", world.matcher.organisation_id))
    assert year is not None
    assert (year.target, year.nominated, year.housed, year.evaluated) == (30, 1, 0, True)
    again = cli(*_args(world, on="2019-07-03"), status=1)
    assert "already nominated on 2019-07-02" in again.output
    assert _nominated_on(world, client.id) == date(2019, 7, 2)


def test_the_agency_nominates_another_provider_s_client(world, cli):
    client = world.waiting(world.tussen, reference="CD-1", target_group="citydeal")
    cli(*_args(world, organisation="De Tussenvoorziening"))
    assert _nominated_on(world, client.id) == date(2019, 7, 2)


@pytest.mark.parametrize(("change", "said"), [
    ({"client": "CD-NONE"}, "Lister has no client with reference 'CD-NONE'"),
    ({"organisation": "Nergens"}, "no care provider named 'Nergens'"),
    ({"organisation": "De Tussenvoorziening"},
     "De Tussenvoorziening has no client with reference 'CD-1'"),
    ({"by": "nobody@example.org"}, "no user with e-mail address 'nobody@example.org'"),
    ({"by": "lister"}, "your role may not do this"),
    ({"by": "admin"}, "your role may not do this"),
    ({"on": "tomorrow"}, "invalid input:\n  nominated_on: cannot lie in the future"),
])
def test_a_refusal_exits_1_naming_the_reason_and_writes_nothing(world, cli, change, said):
    client = world.waiting(reference="CD-1", target_group="citydeal")
    if change.get("by") in ("lister", "admin"):
        change = {"by": getattr(world, change["by"]).email}
    if change.get("on") == "tomorrow":
        change = {"on": (local_date(utcnow()) + timedelta(days=1)).isoformat()}
    result = cli(*_args(world, **change), status=1)
    assert said in result.output
    assert _nominated_on(world, client.id) is None


def test_a_client_of_another_group_or_withdrawn_is_refused(world, cli):
    other = world.waiting(reference="CD-1")  # mobw_uitstroom
    result = cli(*_args(world), status=1)
    assert "only a client of target group citydeal can be nominated" in result.output
    withdrawn = world.waiting(reference="CD-2", target_group="citydeal")
    withdraw_client(world.session, client_id=withdrawn.id, actor=world.matcher,
                    reason="moved away")
    result = cli(*_args(world, client="CD-2"), status=1)
    assert "a client who is withdrawn cannot be nominated" in result.output
    assert (_nominated_on(world, other.id), _nominated_on(world, withdrawn.id)) == (None, None)


def test_a_malformed_day_is_refused_by_the_option(world, cli):
    client = world.waiting(reference="CD-1", target_group="citydeal")
    result = cli(*_args(world, on="02-07-2019"), status=2)
    assert "--on" in result.output
    assert _nominated_on(world, client.id) is None
