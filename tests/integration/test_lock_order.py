"""The one global lock order (services.locks) is kept by construction: a lock asked for out of
order is refused at once, on SQLite too, instead of deadlocking some day under load."""

import pytest
from sqlmodel import Session

from matching.models import Client, Dwelling, Proposal
from matching.services.locks import LockOrderViolated, lock_rows
from matching.services.unit_of_work import get_or_404
from tests.corporation_data import Round, open_round
from tests.factories import make_user


@pytest.fixture
def made(reference: Session) -> Round:
    people = {"corporation": make_user(reference, "Mitros", "corporation"),
              "matcher": make_user(reference, "Het Vierde Huis", "matcher"),
              "provider": make_user(reference, "Lister", "care_provider")}
    made = open_round(reference, **people, count=2)
    reference.commit()
    return made


def test_locks_taken_in_the_global_order_are_granted(reference, made):
    get_or_404(reference, Dwelling, made.dwelling.id, lock=True)
    get_or_404(reference, Proposal, made.proposal.id, lock=True)
    clients = lock_rows(reference, Client, [c.id for c in reversed(made.clients)])
    assert [c.id for c in clients] == sorted(c.id for c in made.clients)  # by id, as asked
    reference.rollback()


def test_a_dwelling_locked_after_a_client_is_refused_and_names_the_order(reference, made):
    get_or_404(reference, Client, made.clients[0].id, lock=True)
    with pytest.raises(LockOrderViolated, match="Dwelling .* locked after Client .*Dwelling → "
                                                "Proposal → Candidate → Client → Lease"):
        get_or_404(reference, Dwelling, made.dwelling.id, lock=True)
    reference.rollback()


def test_clients_locked_one_by_one_must_go_by_ascending_id(reference, made):
    first, second = sorted(c.id for c in made.clients)
    get_or_404(reference, Client, second, lock=True)
    with pytest.raises(LockOrderViolated):
        get_or_404(reference, Client, first, lock=True)
    reference.rollback()


def test_a_row_already_locked_may_be_locked_again_and_a_new_transaction_starts_afresh(
        reference, made):
    get_or_404(reference, Dwelling, made.dwelling.id, lock=True)
    get_or_404(reference, Client, made.clients[0].id, lock=True)
    get_or_404(reference, Dwelling, made.dwelling.id, lock=True)  # held: it cannot wait
    reference.commit()
    # The client's lock ended with the commit: the dwelling comes first again.
    get_or_404(reference, Dwelling, made.dwelling.id, lock=True)
    reference.rollback()
