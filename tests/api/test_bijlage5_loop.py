"""The 2019 new approach (Bijlage 5) end to end through the API only: from POST /dwellings
to the transfer of the flip lease. Only the scheduler (`matching tick`) runs outside it."""

from datetime import timedelta

from click.testing import CliRunner
from sqlmodel import Session

from matching.cli import main
from matching.services.users import create_api_token
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.api.conftest import client_body, dwelling_body
from tests.factories import make_user


def test_submit_reject_three_propose_three_accept_let_as_flip_and_transfer(
    api, reference: Session, database_url: str, monkeypatch
):
    # Portaal's housing system, HVH's matchers and three care providers, each with a token.
    api.tokens["Leger des Heils"] = create_api_token(
        reference, user=make_user(reference, "Leger des Heils", "care_provider"))
    providers = ["care_provider", "other_care_provider", "Leger des Heils"]
    corporation, matcher = "other_corporation", "matcher"

    def ok(response, status=200):
        assert response.status_code == status, response.get_json()
        return response.get_json()

    # Care providers register six clients; Het Vierde Huis approves them.
    clients = []
    for index in range(6):
        provider = providers[index % 3]
        made = ok(api.post("/api/v1/clients", client_body(reference=f"B5-{index}"),
                           as_=provider), 201)
        approved = ok(api.post(f"/api/v1/clients/{made['id']}/approve",
                               {"waiting_since": "2019-07-02"}, as_=matcher))
        assert approved["state"] == "waiting"
        clients.append(made["id"])

    # Portaal pushes a small flip dwelling in Overvecht and submits it.
    dwelling = ok(api.post("/api/v1/dwellings", dwelling_body(lease_type="flip"),
                           as_=corporation), 201)
    path = f"/api/v1/dwellings/{dwelling['id']}"
    submitted = ok(api.post(f"{path}/submit", as_=corporation))
    assert submitted["state"] == "submitted" and submitted["quarter"]

    # Round 1: the engine's top three, all rejected with reasons.
    suggestions = ok(api.get(f"{path}/suggestions", as_=matcher))
    assert suggestions["eligible"] == 6
    top = [s["client_id"] for s in suggestions["items"]]
    first = ok(api.post(f"{path}/proposals", {"client_ids": top}, as_=matcher), 201)
    assert (first["state"], first["dwelling"]["state"]) == ("open", "proposed")
    reasons = ["area_concentration", "liveability_complex", "area_concentration"]
    for client_id, reason in zip(top, reasons, strict=True):
        decided = ok(api.post(f"/api/v1/proposals/{first['id']}/decisions",
                              {"client_id": client_id, "decision": "reject",
                               "reason_code": reason,
                               "motivation": "Portiek heeft al veel begeleide huurders"},
                              as_=corporation))
    assert (decided["state"], decided["dwelling"]["state"]) == ("rejected", "submitted")
    assert [c["reason_code"] for c in decided["candidates"]] == reasons

    # Round 2: the rejected are no longer suggested; Portaal accepts the second candidate.
    again = ok(api.get(f"{path}/suggestions", as_=matcher))
    second_top = [s["client_id"] for s in again["items"]]
    assert set(second_top) == set(clients) - set(top)
    second = ok(api.post(f"{path}/proposals", {"client_ids": second_top}, as_=matcher), 201)
    assert second["round_no"] == 2
    chosen = second_top[1]
    accepted = ok(api.post(f"/api/v1/proposals/{second['id']}/decisions",
                           {"client_id": chosen, "decision": "accept"}, as_=corporation))
    assert [c["state"] for c in accepted["candidates"]] == ["not_chosen", "accepted",
                                                            "not_chosen"]
    assert accepted["dwelling"]["state"] == "matched"

    # The client accepts the one-time offer; Portaal lets the dwelling as a flip lease that
    # started two years ago, so its review falls due now.
    offered = ok(api.post(f"{path}/offer", {"answer": "accepted"}, as_=matcher))
    assert offered["state"] == "offer_accepted"
    start = local_date(utcnow()) - timedelta(days=730)
    let = ok(api.post(f"{path}/let", {"lease_start": start.isoformat(), "lease_type": "flip"},
                      as_=corporation))
    assert let["state"] == "let"
    lease = let["lease"]
    assert (lease["type"], lease["state"]) == ("flip", "active")
    housed = ok(api.get(f"/api/v1/clients/{chosen}", as_=providers[clients.index(chosen) % 3]))
    assert housed["state"] == "housed"
    assert lease["tenant_care_provider_id"] == housed["care_provider_id"]

    # The scheduler makes the review due; the lease shows up in the care provider's list.
    monkeypatch.setenv("MATCHING_DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["tick"])
    assert result.exit_code == 0, result.output
    assert "lease.due 1" in result.output
    due = ok(api.get("/api/v1/leases?type=flip&state=review_due",
                     as_=providers[clients.index(chosen) % 3]))
    assert [item["id"] for item in due["items"]] == [lease["id"]]

    # The omklap: the client becomes the tenant.
    on = local_date(utcnow()).isoformat()
    transferred = ok(api.post(f"/api/v1/leases/{lease['id']}/transfer", {"on": on},
                              as_=corporation))
    assert (transferred["state"], transferred["transferred_on"]) == ("transferred", on)
    assert transferred["tenant_care_provider_id"] is None
    assert transferred["allowed_triggers"] == ["end"]

    # The history tells the whole story.
    detail = ok(api.get(path, as_=corporation))
    assert [e["trigger"] for e in detail["history"]] == [
        "create", "submit", "propose", "reopen", "propose", "match", "accept_offer", "let"]
    assert [r["state"] for r in detail["rounds"]] == ["rejected", "accepted"]
    client_history = ok(api.get(f"/api/v1/clients/{chosen}", as_=matcher))["history"]
    assert [e["trigger"] for e in client_history] == [
        "create", "approve", "propose", "match", "accept_offer", "house"]
    lease_history = ok(api.get(f"/api/v1/leases/{lease['id']}", as_=corporation))["history"]
    assert [e["trigger"] for e in lease_history] == ["create", "due", "transfer"]

    # The dwelling counts for Portaal's quota in the quarter it was submitted.
    quotas = ok(api.get(f"/api/v1/quarters/{submitted['quarter']}/quotas", as_=corporation))
    assert [row["submitted"] for row in quotas["items"]] == [1]
