"""Subject access (AVG article 15) and the access log on the command line: one client's
record, history, rounds, leases and access log as JSON for its own care provider, and
`matching audit verify`, `matching audit who-accessed`, `matching clients export`."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import text
from sqlmodel import Session, col, select

from matching.models import AccessLog, Client
from matching.services.clients import read_client
from matching.services.errors import NotFound, PermissionDenied
from matching.services.leases import let_dwelling
from matching.services.subject_access import export_client
from tests.world import LEASE_START, World


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


@pytest.fixture
def housed(world: World) -> Client:
    """A Lister client who was rejected once, then housed with a direct lease."""
    first, client = world.submitted(), world.waiting(reference="LIS-SUBJECT")
    world.reject(world.propose(first, [client]), client)
    dwelling, _ = world.matched(client=world.fresh(Client, client.id))
    world.answer(dwelling, "accepted")
    let_dwelling(world.session, dwelling_id=dwelling.id, lease_start=LEASE_START,
                 lease_type="direct", actor=world.portaal, now=world.tick())
    read_client(world.session, client_id=client.id, actor=world.matcher, purpose="review")
    return world.fresh(Client, client.id)


def _exports(session: Session, client_id: int) -> list[AccessLog]:
    with Session(session.get_bind()) as fresh:
        return list(fresh.exec(select(AccessLog).where(
            AccessLog.client_id == client_id, AccessLog.action == "export")))


def test_the_export_holds_record_history_rounds_leases_and_access_log(
    world: World, housed: Client,
):
    document = export_client(world.session, client_id=housed.id, actor=world.lister)
    assert json.loads(json.dumps(document)) == document  # plain JSON throughout
    record = document["client"]
    assert (record["reference"], record["state"], record["care_provider"]) == (
        "LIS-SUBJECT", "housed", "Lister")
    assert record["annual_income"] == housed.annual_income
    assert [e["trigger"] for e in document["history"]] == [
        "create", "approve", "propose", "requeue", "propose", "match", "accept_offer", "house"]
    assert [r["outcome"] for r in document["rounds"]] == ["rejected", "accepted"]
    assert document["rounds"][0]["reason_code"] == "size_mismatch"
    assert document["rounds"][0]["dwelling"]["corporation"] == "Portaal"
    [lease] = document["leases"]
    assert (lease["lease_type"], lease["corporation"], lease["state"]) == (
        "direct", "Portaal", "active")
    assert [e["trigger"] for e in lease["history"]] == ["create"]
    accesses = document["access_log"]
    assert ("read", "review", world.matcher.email) in {
        (a["action"], a["purpose"], a["user"]) for a in accesses}
    assert [a["seq"] for a in accesses] == sorted(a["seq"] for a in accesses)


def test_the_export_is_written_to_the_access_log(world: World, housed: Client):
    export_client(world.session, client_id=housed.id, actor=world.lister)
    [logged] = _exports(world.session, housed.id)
    assert (logged.user_id, logged.role, logged.purpose) == (
        world.lister.id, "care_provider", "subject access export")
    assert logged.fields_touched == "record,history,rounds,leases,access_log"


@pytest.mark.parametrize(("who", "error"), [("tussen", NotFound), ("matcher", PermissionDenied),
                                              ("portaal", PermissionDenied)])
def test_only_the_client_s_own_care_provider_may_export(
    world: World, housed: Client, who: str, error: type[Exception],
):
    with pytest.raises(error):
        export_client(world.session, client_id=housed.id, actor=getattr(world, who))
    assert _exports(world.session, housed.id) == []


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli(cli_on_each_database: Callable[..., Result]) -> Callable[..., Result]:
    """The command line on SQLite and PostgreSQL (tests/integration/conftest.py)."""
    return cli_on_each_database


def test_clients_export_prints_the_json_and_logs_the_export_without_a_user(
    world: World, housed: Client, cli: Callable[..., Any],
):
    result = cli("clients", "export", "LIS-SUBJECT", "--organisation", "Lister")
    document = json.loads(result.output)
    assert document["client"]["id"] == housed.id
    assert len(document["rounds"]) == 2 and len(document["leases"]) == 1
    [logged] = _exports(world.session, housed.id)
    assert (logged.user_id, logged.role) == (None, "")
    assert logged.access_point == "cli matching clients export"
    assert logged.request_id


@pytest.mark.parametrize("args", [("NOPE", "--organisation", "Lister"),
                                  ("LIS-SUBJECT", "--organisation", "De Tussenvoorziening"),
                                  ("LIS-SUBJECT", "--organisation", "Portaal")])
def test_clients_export_names_what_it_cannot_find(
    housed: Client, cli: Callable[..., Any], args: tuple[str, ...],
):
    result = cli("clients", "export", *args, status=1)
    assert "no client" in result.output or "no care provider" in result.output


def test_who_accessed_lists_every_access_when_who_organisation_action_purpose(
    world: World, housed: Client, cli: Callable[..., Any],
):
    lines = cli("audit", "who-accessed", "LIS-SUBJECT", "--organisation", "Lister"
                ).output.splitlines()
    rows = [line.split("\t") for line in lines]
    assert all(len(row) == 5 for row in rows), lines
    assert [world.matcher.email, "Het Vierde Huis", "read", "review"] in [r[1:] for r in rows]
    assert [world.lister.email, "Lister", "create", "client create"] == rows[0][1:]
    assert rows[0][0].endswith(" UTC")
    # Looking is an access too: the next look shows the first.
    again = cli("audit", "who-accessed", "LIS-SUBJECT", "--organisation", "Lister").output
    assert "system\t-\tread\twho accessed this client" in again


def test_audit_verify_exits_0_on_an_intact_log_and_1_naming_the_first_broken_row(
    world: World, housed: Client, cli: Callable[..., Any],
):
    intact = cli("audit", "verify")
    assert "access log intact" in intact.output
    victim = world.session.exec(select(AccessLog).where(AccessLog.client_id == housed.id)
                                .order_by(col(AccessLog.seq)).offset(2)).first()
    assert victim is not None
    with world.session.get_bind().connect() as connection:  # type: ignore[union-attr]
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE access_log DISABLE TRIGGER USER"))
        connection.execute(text("UPDATE access_log SET client_id = client_id + 1000 "
                                "WHERE id = :id"), {"id": victim.id})
        connection.commit()
    broken = cli("audit", "verify", status=1)
    assert f"broken at row {victim.seq} (id {victim.id})" in broken.output
