"""The 2019 new approach (Bijlage 5) end to end, through the services only."""

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from matching.models import Candidate, ClientEvent, DwellingEvent, Lease
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling, transfer_lease
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.timers import run_tick
from matching.workflow import allowed_triggers
from tests.factories import ClientData, DwellingData, make_user


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_submit_reject_three_propose_three_accept_let_as_flip_and_transfer(reference: Session):
    session = reference
    portaal = make_user(session, "Portaal", "corporation")
    matcher = make_user(session, "Het Vierde Huis", "matcher")
    providers = {
        name: make_user(session, name, "care_provider")
        for name in ("Lister", "De Tussenvoorziening", "Leger des Heils")
    }

    # Care providers register six clients; Het Vierde Huis approves them.
    clients = []
    for index in range(6):
        provider = list(providers.values())[index % 3]
        client = register_client(session, data=ClientData(), actor=provider,
                                 now=at(date(2019, 7, 1)))
        approve_client(session, client_id=client.id, actor=matcher, now=at(date(2019, 7, 2)))
        clients.append(client)

    # Portaal submits a small dwelling in Overvecht in the third quarter.
    dwelling = create_dwelling(session, data=DwellingData(lease_type="flip"), actor=portaal,
                               now=at(date(2019, 8, 1)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=portaal, now=at(date(2019, 8, 1)))
    assert (dwelling.state, dwelling.quarter) == ("submitted", "2019Q3")

    # Round 1: three candidates from three providers, all rejected with reasons.
    first = propose_candidates(session, dwelling_id=dwelling.id,
                               client_ids=[c.id for c in clients[:3]], actor=matcher,
                               now=at(date(2019, 8, 2)))
    assert dwelling.state == "proposed"
    assert {c.state for c in clients[:3]} == {"proposed"}
    reasons = ["area_concentration", "liveability_complex", "area_concentration"]
    for client, reason in zip(clients[:3], reasons, strict=True):
        decide_candidate(session, proposal_id=first.id, client_id=client.id, decision="reject",
                         reason_code=reason, motivation="Portiek heeft al veel begeleide huurders",
                         actor=portaal, now=at(date(2019, 8, 5)))
    assert first.state == "rejected"
    assert dwelling.state == "submitted"
    assert {c.state for c in clients[:3]} == {"waiting"}
    stored = session.exec(select(Candidate).where(Candidate.proposal_id == first.id)).all()
    assert [c.reason_code for c in stored] == reasons

    # Round 2: three new candidates; Portaal accepts the second, the others are not chosen.
    second = propose_candidates(session, dwelling_id=dwelling.id,
                                client_ids=[c.id for c in clients[3:]], actor=matcher,
                                now=at(date(2019, 8, 6)))
    assert second.round_no == 2
    chosen = clients[4]
    decide_candidate(session, proposal_id=second.id, client_id=chosen.id, decision="accept",
                     actor=portaal, now=at(date(2019, 8, 8)))
    assert (second.state, dwelling.state, chosen.state) == ("accepted", "matched", "matched")
    assert clients[3].state == clients[5].state == "waiting"

    # The client accepts the one-time offer; Portaal lets the dwelling as a flip lease.
    record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted", actor=matcher,
                        now=at(date(2019, 8, 12)))
    assert (dwelling.state, chosen.state) == ("offer_accepted", "offer_accepted")
    lease = let_dwelling(session, dwelling_id=dwelling.id, lease_start=date(2019, 9, 1),
                         lease_type="flip", actor=portaal, now=at(date(2019, 8, 20)))
    assert (dwelling.state, chosen.state, lease.state) == ("let", "housed", "active")
    assert lease.review_on == date(2021, 9, 1)
    assert lease.tenant_care_provider_id == chosen.care_provider_id

    # Nothing is due before 21 months have passed; then `tick` makes the review due.
    run_tick(session, now=at(date(2021, 5, 31)))
    assert session.get(Lease, lease.id).state == "active"
    report = run_tick(session, now=at(date(2021, 6, 1)))
    assert report.fired == {"lease.due": 1}
    assert session.get(Lease, lease.id).state == "review_due"
    assert run_tick(session, now=at(date(2021, 6, 1, ), 11)).fired == {}

    # The omklap: the client becomes the tenant.
    transfer_lease(session, lease_id=lease.id, on=date(2021, 10, 1), actor=portaal,
                   now=at(date(2021, 9, 20)))
    lease = session.get(Lease, lease.id)
    assert (lease.state, lease.transferred_on, lease.tenant_care_provider_id) == (
        "transferred", date(2021, 10, 1), None)
    assert allowed_triggers(lease) == ["end"]

    # The history tells the whole story, and every state equals its last event.
    triggers = [e.trigger for e in session.exec(
        select(DwellingEvent).where(DwellingEvent.dwelling_id == dwelling.id)
        .order_by(DwellingEvent.id))]
    assert triggers == ["create", "submit", "propose", "reopen", "propose", "match",
                        "accept_offer", "let"]
    client_triggers = [e.trigger for e in session.exec(
        select(ClientEvent).where(ClientEvent.client_id == chosen.id).order_by(ClientEvent.id))]
    assert client_triggers == ["create", "approve", "propose", "match", "accept_offer", "house"]
