"""The JSON API under /api/v1, as the API contract (api-contract.md) fixes it.

Each request passes, in this order: the bearer token (401), the caller's role (403), the
query and body shape (400 for malformed JSON, 422 for NUL characters), the Idempotency-Key
(a replay, or a reservation), then flask-openapi3's validation of path, query and body
(422), and finally one service call; the services answer 404 for another organisation's
object, 409 for a refused transition and 422 for invalid values.
"""

from typing import Any

from flask import request
from flask_openapi3 import APIBlueprint

from matching.web.api import (
    clients,
    docs,
    dwellings,
    figures,
    idempotency,
    leases,
    notifications,
    proposals,
    reference,
    reports,
    steering,
    supply,
)
from matching.web.api.auth import SECURITY_SCHEMES, authenticate, check_role
from matching.web.api.body import check_body, check_query
from matching.web.api.errors import (
    ErrorEnvelope,
    register_error_handlers,
    validation_error_response,
)

PREFIX = "/api/v1"

blueprint = APIBlueprint("api", __name__, url_prefix=PREFIX)
for module in (reference, figures, dwellings, proposals, clients, leases, reports,
               steering, notifications, supply):
    blueprint.register_api(module.blueprint)


@blueprint.before_request
def guard() -> Any:
    """Authenticate, authorise and check the request's shape before any validation."""
    if request.method == "OPTIONS":
        return None
    return (authenticate() or check_role() or check_query() or check_body()
            or idempotency.begin())


blueprint.after_request(idempotency.finish)
register_error_handlers(blueprint)

__all__ = ["ErrorEnvelope", "docs", "SECURITY_SCHEMES", "blueprint", "validation_error_response"]
