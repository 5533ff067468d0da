"""`matching leases institution`: an institution dwelling flipped to a regular lease, from the
command line, with clear refusals (exit 1) that write nothing."""

import pytest
from sqlmodel import Session, select

from matching.db import get_engine
from matching.models import Client, Lease, User
from matching.services.clients import register_client
from tests.factories import ClientData


@pytest.fixture
def cli(cli):  # type: ignore[no-untyped-def]
    """The command line of tests/integration/conftest.py with the reference data, a Lister
    and a De Tussenvoorziening user and one Lister client (reference REF-FLIP)."""
    cli("seed", "reference")
    cli("users", "create", "zorg@lister.example", "--organisation", "Lister",
        "--role", "care_provider", "--generate-password")
    cli("users", "create", "zorg@tussenvoorziening.example", "--organisation",
        "De Tussenvoorziening", "--role", "care_provider", "--generate-password")
    with Session(get_engine(cli.url)) as session:
        actor = session.exec(select(User).where(User.email == "zorg@lister.example")).one()
        register_client(session, data=ClientData(reference="REF-FLIP"), actor=actor)
    return cli


ARGS = ("leases", "institution", "--client", "REF-FLIP", "--organisation", "Lister",
        "--corporation", "Mitros", "--address", "Instellingslaan 4, Utrecht",
        "--wijk", "Overvecht", "--start", "2019-08-15")


def _leases(url: str) -> list[Lease]:
    with Session(get_engine(url)) as session:
        return list(session.exec(select(Lease)))


def test_the_care_provider_registers_a_flip_from_the_command_line(cli):
    result = cli(*ARGS, "--by", "zorg@lister.example")
    assert "counts toward Lister's flip target of 2019" in result.output
    [lease] = _leases(cli.url)
    assert (lease.is_institution, lease.state, lease.wijk) == (True, "transferred", "Overvecht")
    assert lease.start_on.isoformat() == "2019-08-15"
    with Session(get_engine(cli.url)) as session:
        assert session.exec(select(Client)).one().state == "housed"
    again = cli(*ARGS, "--by", "zorg@lister.example", ok=False)
    assert again.exit_code == 1 and "housed" in again.output
    assert len(_leases(cli.url)) == 1


@pytest.mark.parametrize(("change", "said"), [
    ({"--wijk": "Atlantis"}, "wijk: 'Atlantis' is not a known district"),
    ({"--corporation": "Lister"}, "no corporation named 'Lister'"),
    ({"--client": "REF-NONE"}, "Lister has no client with reference 'REF-NONE'"),
    ({"--organisation": "Nergens"}, "no care provider named 'Nergens'"),
    ({"--start": "2019-01-01"}, "start: cannot lie before the client's registration"),
    ({"--by": "nobody@example.org"}, "no user with e-mail address"),
    # another care provider's client is not found for it
    ({"--by": "zorg@tussenvoorziening.example"}, "not found"),
])
def test_a_refusal_exits_1_naming_the_reason_and_writes_nothing(cli, change, said):
    args = list(ARGS) + ["--by", "zorg@lister.example"]
    for option, value in change.items():
        args[args.index(option) + 1] = value
    result = cli(*args, ok=False)
    assert result.exit_code == 1, result.output
    assert said in result.output
    assert _leases(cli.url) == []


def test_a_malformed_date_is_refused_by_the_option(cli):
    args = list(ARGS) + ["--by", "zorg@lister.example"]
    args[args.index("--start") + 1] = "15-08-2019"
    result = cli(*args, ok=False)
    assert result.exit_code == 2 and "--start" in result.output
    assert _leases(cli.url) == []
