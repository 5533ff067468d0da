"""services/unit_of_work.py's database refusals, on SQLite and (when configured) PostgreSQL: a
stale version and a partial unique index become the Conflict that explains them, with nothing
written; and a lease whose review or end date would fall beyond the calendar is refused."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from matching.db import get_engine
from matching.models import Dwelling, Lease, LeaseEvent, Organisation
from matching.services import unit_of_work
from matching.services.errors import Conflict, ValidationFailed
from matching.services.leases import let_dwelling, register_institution_lease
from matching.services.unit_of_work import STALE_MESSAGE, commit
from tests.world import World


@pytest.fixture
def world(reference: Session) -> World:
    return World(reference)


def test_a_change_to_a_row_someone_else_changed_first_is_a_conflict_and_not_written(
        world: World, database_url: str):
    dwelling = world.submitted()
    original_rooms = dwelling.rooms
    with Session(get_engine(database_url), expire_on_commit=False) as other:
        theirs = other.get(Dwelling, dwelling.id)
        assert theirs is not None
        theirs.rooms = original_rooms + 1
        commit(other)  # they were first: the row's version moves on
    # Our session still holds the old version of the row.
    dwelling.rooms = original_rooms + 2
    world.session.add(dwelling)
    with pytest.raises(Conflict) as refused:
        commit(world.session)
    assert str(refused.value) == STALE_MESSAGE
    with Session(get_engine(database_url)) as fresh:
        assert fresh.get(Dwelling, dwelling.id).rooms == original_rooms + 1  # theirs stands


def test_a_partial_unique_index_that_fires_becomes_its_own_conflict(world: World):
    first, client = world.matched()
    second = world.submitted()
    # Bypass the services (they would refuse earlier) so the database itself must say no.
    second.matched_client_id = client.id
    world.session.add(second)
    with pytest.raises(Conflict) as refused:
        commit(world.session)
    assert str(refused.value) == "this client is already matched to another dwelling"
    world.session.expire_all()
    assert world.session.get(Dwelling, second.id).matched_client_id is None
    assert world.session.get(Dwelling, first.id).matched_client_id == client.id


@pytest.mark.parametrize(("sqlite_text", "message"), [
    ("UNIQUE constraint failed: candidate.client_id", "a client is already on another open round"),
    ("UNIQUE constraint failed: candidate.proposal_id",
     "another candidate of this round was accepted first"),
    ("UNIQUE constraint failed: proposal.dwelling_id", "this dwelling already has an open round"),
    ("UNIQUE constraint failed: dwelling.matched_client_id",
     "this client is already matched to another dwelling"),
    ("UNIQUE constraint failed: app_user.email", "the change conflicts with existing data"),
])
def test_sqlites_column_names_map_to_the_index_they_belong_to(sqlite_text: str, message: str):
    # SQLite names the columns of a unique index that fired, PostgreSQL names the index.
    error = IntegrityError("INSERT ...", {}, Exception(sqlite_text))
    assert str(unit_of_work._conflict(error)) == message


def _leases(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (session.exec(select(func.count()).select_from(Lease)).one(),
            session.exec(select(func.count()).select_from(LeaseEvent)).one())


@pytest.mark.parametrize("lease_type", ["flip", "campus"])
def test_a_lease_whose_review_or_end_would_fall_beyond_the_calendar_is_refused(
        world: World, lease_type: str):
    dwelling, _client = world.offer_accepted()
    before = _leases(world.session)
    with pytest.raises(ValidationFailed) as refused:
        let_dwelling(world.session, dwelling_id=dwelling.id, lease_start=date(9999, 6, 1),
                     lease_type=lease_type, actor=world.portaal, now=world.tick())
    assert set(refused.value.fields) == {"lease_start"}
    assert "beyond the calendar" in refused.value.fields["lease_start"]
    assert _leases(world.session) == before
    world.session.expire_all()
    assert world.session.get(Dwelling, dwelling.id).state == "offer_accepted"


def test_an_institution_lease_whose_review_would_fall_beyond_the_calendar_is_refused(
        world: World):
    lister = world.session.exec(select(Organisation).where(Organisation.name == "Lister")).one()
    before = _leases(world.session)
    with pytest.raises(ValidationFailed) as refused:
        register_institution_lease(world.session, care_provider_id=lister.id,
                                   address="Instellingslaan 1", start_on=date(9999, 6, 1),
                                   actor=world.portaal)
    assert "beyond the calendar" in refused.value.fields["lease_start"]
    assert _leases(world.session) == before
