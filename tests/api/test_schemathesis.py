"""Fuzz every operation of the served OpenAPI document with schemathesis, as every role.

On a database with dwellings, rounds, clients and leases in several states (and the
notifications they sent), each operation gets generated requests (valid ones, and invalid
ones for negative testing) with each role's token, path ids both generated and pointing at
real objects. Every answer must be no 5xx, a documented status code and content type, and
conform to the documented schema; invalid requests must be refused with a 4xx.

MATCHING_FUZZ_EXAMPLES sets the examples per operation, role and mode (default 2), so a
long run is one command:

    MATCHING_FUZZ_EXAMPLES=100 .venv/bin/pytest -q -s tests/api/test_schemathesis.py
"""

import os
from collections import Counter
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import select

from matching.models import Notification, Proposal, User
from tests.api.conftest import ROLES

EXAMPLES = int(os.environ.get("MATCHING_FUZZ_EXAMPLES", "2"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def populate(world: Any) -> dict[str, list[int]]:
    """Objects in many states; their ids are used as path parameters."""
    draft = world.dwelling(submit=False)
    submitted = world.dwelling()
    proposed = world.dwelling()
    candidate = world.client()
    proposal = world.round(proposed, [candidate])
    matched, matched_client = world.matched()
    accepted, _ = world.offer_accepted()
    flip = world.lease(due=True)
    direct = world.lease(lease_type="direct")
    registered = world.client(approve=False)
    waiting = world.client(provider="other_care_provider")
    other = world.dwelling(owner="other_corporation")
    closed = first_round_of(world, matched.id)
    return {
        "dwelling_id": [draft.id, submitted.id, proposed.id, matched.id, accepted.id,
                        flip.dwelling_id, other.id],
        "proposal_id": [proposal.id, closed],
        "client_id": [registered.id, waiting.id, candidate.id, matched_client.id],
        "lease_id": [flip.id, direct.id],
        "notification_id": [notification_of(world, role) for role in ("corporation", "matcher")],
    }


def first_round_of(world: Any, dwelling_id: int) -> int:
    found = world.session.exec(select(Proposal).where(Proposal.dwelling_id == dwelling_id))
    return int(found.first().id)


def notification_of(world: Any, role: str) -> int:
    """One of the notifications the objects above sent to the user of `role`."""
    user: User = world.users[role]
    found = world.session.exec(select(Notification).where(Notification.user_id == user.id))
    return int(found.first().id)


def test_every_operation_answers_as_documented_for_every_role(app, world, tokens):
    ids = populate(world)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()

    def run(operation: Any, role: str | None, mode: GenerationMode,
            path: dict[str, Any]) -> None:
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        checks = CHECKS + ([negative_data_rejection] if mode == GenerationMode.NEGATIVE else [])

        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path or None,
                                         headers=headers)

        @given(case=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case: Any) -> None:
            response = case.call_and_validate(checks=checks)
            if role is None:
                assert response.status_code == 401, (case.method, case.path)
            sent[operation.label] += 1
            statuses[response.status_code] += 1

        try:
            call()
        except Unsatisfiable:
            # Nothing to make invalid (GET /me has no parameters, and the token is fixed).
            assert mode == GenerationMode.NEGATIVE, operation.label

    for result in schema.get_all_operations():
        operation = result.ok()
        names = [p.name for p in operation.path_parameters if p.name in ids]
        run(operation, None, GenerationMode.POSITIVE, {})
        for role in ROLES:
            run(operation, role, GenerationMode.POSITIVE, {})
            run(operation, role, GenerationMode.NEGATIVE, {})
            for name in names:  # every operation has at most one id in its path
                for real in ids[name]:
                    run(operation, role, GenerationMode.POSITIVE, {name: real})
    total = sum(sent.values())
    print(f"\nschemathesis: {total} requests over {len(sent)} operations; statuses "
          f"{dict(sorted(statuses.items()))}")
    assert len(sent) >= 28
    assert total >= len(sent) * len(ROLES)
