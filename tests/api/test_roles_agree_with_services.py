"""The API's `roles(...)` lists repeat the services' own role checks (so that a role that may
not act learns it with a 403 before its body is validated, and the document says who may).
These tests switch the API's check off and ask the services: a role the API lets through
must be let through by the service, and a role the API refuses must be refused (403) by the
service too, so the two lists cannot drift apart unnoticed."""

import re

import pytest

from tests.api.conftest import ROLES, client_body, dwelling_body

MISSING = 999_999  # no such object: a role the service lets through gets 404, not 403

BODIES = {
    "create_dwelling": dwelling_body(),
    "withdraw_dwelling": {"reason": "test"},
    "record_offer_answer": {"answer": "accepted"},
    "let_dwelling": {"lease_start": "2020-01-01", "lease_type": "direct"},
    "propose_candidates": {"client_ids": [MISSING]},
    "decide_candidate": {"client_id": MISSING, "decision": "accept"},
    "extend_round": {"deadline": "2030-01-02", "reason": "test"},
    "cancel_round": {"reason": "test"},
    "register_client": client_body(),
    "withdraw_client": {"reason": "test"},
    "reinstate_client": {"motivation": "test"},
    "record_citydeal_nomination": {"nominated_on": "2019-07-02"},
    "transfer_lease": {"on": "2020-01-01"},
    "extend_lease": {"review_on": "2020-01-01", "reason": "test"},
    "end_lease": {"on": "2020-01-01", "reason": "test"},
    "set_total_lettings": {"total": 612, "source": "test"},
    "set_statushouder_rung": {"rung": 3, "note": "test"},
    "set_statushouder_inputs": {"extra_target": 133, "source": "test"},
    "register_institution_flip": {"client_id": MISSING, "corporation_id": MISSING,
                                  "address": "Teststraat 1", "wijk": "Overvecht",
                                  "start": "2020-01-01"},
}

# The planning figures are computed without an actor; for these the API's list is the only
# gate (the contract's: quotas for corporations, the agency and the municipality; contingents
# for care providers, the agency and the municipality).
GATED_BY_THE_API_ONLY = {"list_quotas", "list_contingents"}


def _operations(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        allowed = getattr(view, "api_roles", None)
        if allowed is None:
            continue
        path = re.sub(r"<(?:[^:>]+:)?([a-z_]+)>", lambda m: {
            "quarter": "2019Q3", "year": "2019", "half": "2022H1"}.get(m.group(1), str(MISSING)),
            rule.rule)
        method = next((m for m in ("POST", "PUT") if m in rule.methods), "GET")
        yield rule.endpoint.rsplit(".", 1)[-1], method, path, {str(r) for r in allowed}


def test_every_operation_is_checked_here_or_named_as_gated_by_the_api_only(app):
    names = {name for name, *_ in _operations(app)}
    assert names >= GATED_BY_THE_API_ONLY
    writes = {name for name, method, *_ in _operations(app) if method in ("POST", "PUT")}
    needing_a_body = writes - {"submit_dwelling", "release_dwelling", "approve_client",
                              "hold_client", "resume_client", "close_quarter"}
    assert needing_a_body == set(BODIES)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_lets_through_exactly_the_roles_the_services_let_through(
        api, app, role, monkeypatch):
    monkeypatch.setattr("matching.web.api.check_role", lambda: None)
    disagreements = []
    for name, method, path, allowed in _operations(app):
        if name in GATED_BY_THE_API_ONLY:
            continue
        if method == "POST":
            response = api.post(path, BODIES.get(name), as_=role)
        elif method == "PUT":
            response = api.put(path, BODIES[name], as_=role)
        else:
            response = api.get(path, as_=role)
        assert response.status_code < 500, (name, response.get_data(as_text=True))
        service_refuses = response.status_code == 403
        if service_refuses == (role in allowed):
            disagreements.append((name, response.status_code))
    assert disagreements == []
