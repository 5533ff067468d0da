"""The reads an answer shows go into the access log in the change's own commit when the
clients are known beforehand (a client's transition, a decision on a round): exactly once
when the change is made, not at all when it is refused, and still once when the change's
transaction was started over (its rollback dropped the noted reads)."""

from typing import Any

from sqlmodel import Session, col, select

from matching.models import AccessLog
from matching.services import clients as client_service
from matching.services import proposals as proposal_service


def reads(session: Session, client_id: int, purpose: str) -> list[AccessLog]:
    session.expire_all()
    return list(session.exec(select(AccessLog).where(
        AccessLog.client_id == client_id, col(AccessLog.purpose) == purpose)))


def test_a_decision_logs_each_candidate_of_the_round_once(api, world, reference) -> None:
    dwelling = world.dwelling()
    clients = [world.client() for _ in range(3)]
    proposal = world.round(dwelling, clients)
    response = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                        {"client_id": clients[1].id, "decision": "accept"}, as_="corporation")
    assert response.status_code == 200, response.get_json()
    purpose = f"API: round {proposal.id} of dwelling {dwelling.id}"
    assert [len(reads(reference, c.id, purpose)) for c in clients] == [1, 1, 1]


def test_a_refused_decision_logs_no_read(api, world, reference) -> None:
    dwelling, client = world.matched()
    proposal_id = api.get(f"/api/v1/dwellings/{dwelling.id}",
                          as_="corporation").get_json()["rounds"][0]["id"]
    purpose = f"API: round {proposal_id} of dwelling {dwelling.id}"
    before = len(reads(reference, client.id, purpose))  # the detail page's own read
    response = api.post(f"/api/v1/proposals/{proposal_id}/decisions",
                        {"client_id": client.id, "decision": "accept"}, as_="corporation")
    assert response.status_code == 409
    assert len(reads(reference, client.id, purpose)) == before == 0


def test_another_corporation_s_round_logs_no_read(api, world, reference) -> None:
    dwelling = world.dwelling(owner="other_corporation")
    client = world.client()
    proposal = world.round(dwelling, [client])
    response = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                        {"client_id": client.id, "decision": "accept"}, as_="corporation")
    assert response.status_code == 404
    assert reads(reference, client.id, f"API: round {proposal.id} of dwelling {dwelling.id}") == []


def test_a_refused_client_transition_logs_no_read(api, world, reference) -> None:
    client = world.client(approve=False)
    response = api.post(f"/api/v1/clients/{client.id}/resume", {}, as_="matcher")
    assert response.status_code == 409
    assert reads(reference, client.id, "API: client after resume") == []


def test_a_client_transition_started_over_still_logs_its_read_once(
        api, world, reference, monkeypatch) -> None:
    """The first attempt's rollback drops the reads noted for it (as a deadlock's would):
    the answer then writes them in a commit of its own."""
    client = world.client()
    hold = client_service.hold_client

    def rolled_back_first(session: Session, **kwargs: Any) -> Any:
        session.rollback()
        return hold(session, **kwargs)

    monkeypatch.setattr(client_service, "hold_client", rolled_back_first)
    response = api.post(f"/api/v1/clients/{client.id}/hold", {"reason": "opname"},
                        as_="care_provider")
    assert response.status_code == 200, response.get_json()
    assert len(reads(reference, client.id, "API: client after hold")) == 1


def test_a_decision_started_over_still_logs_each_candidate_once(
        api, world, reference, monkeypatch) -> None:
    dwelling = world.dwelling()
    clients = [world.client() for _ in range(2)]
    proposal = world.round(dwelling, clients)
    decide = proposal_service.decide_candidate

    def rolled_back_first(session: Session, **kwargs: Any) -> Any:
        session.rollback()
        return decide(session, **kwargs)

    monkeypatch.setattr(proposal_service, "decide_candidate", rolled_back_first)
    response = api.post(f"/api/v1/proposals/{proposal.id}/decisions",
                        {"client_id": clients[0].id, "decision": "accept"}, as_="corporation")
    assert response.status_code == 200, response.get_json()
    purpose = f"API: round {proposal.id} of dwelling {dwelling.id}"
    assert [len(reads(reference, c.id, purpose)) for c in clients] == [1, 1]


def test_a_proposal_logs_each_candidate_once_and_a_refused_one_none(api, world, reference
                                                                     ) -> None:
    dwelling = world.dwelling()
    clients = [world.client() for _ in range(2)]
    purpose = f"API: new round of dwelling {dwelling.id}"
    response = api.post(f"/api/v1/dwellings/{dwelling.id}/proposals",
                        {"client_ids": [c.id for c in clients],
                         "motivation": "chosen by hand in a test"}, as_="matcher")
    assert response.status_code == 201, response.get_json()
    round_id = response.get_json()["id"]
    assert [len(reads(reference, c.id, purpose)) for c in clients] == [1, 1]
    assert [reads(reference, c.id, f"API: round {round_id} of dwelling {dwelling.id}")
            for c in clients] == [[], []]  # not logged a second time by the answer

    other = world.dwelling()
    again = api.post(f"/api/v1/dwellings/{other.id}/proposals",  # already proposed: refused
                     {"client_ids": [clients[0].id], "motivation": "chosen by hand"},
                     as_="matcher")
    assert again.status_code == 409, again.get_json()
    assert reads(reference, clients[0].id, f"API: new round of dwelling {other.id}") == []
