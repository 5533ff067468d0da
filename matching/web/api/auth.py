"""Bearer tokens: who is calling, and whether their role may call this operation at all.

A token is created with `matching users token EMAIL` or on the profile page; only its
sha256 digest is stored, and a revoked token or a deactivated user opens nothing.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_openapi3.models import SecurityScheme
from werkzeug.wrappers import Response

from matching.models import User
from matching.services.users import user_for_token
from matching.web import db_session
from matching.web.errors import envelope

F = TypeVar("F", bound=Callable[..., Any])

SECURITY_SCHEME = "bearerAuth"
SECURITY: list[dict[str, list[str]]] = [{SECURITY_SCHEME: []}]
SECURITY_SCHEMES: dict[str, SecurityScheme | dict[str, Any]] = {
    SECURITY_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from `matching users token EMAIL` or the profile page.",
    }
}


def roles(*names: str) -> Callable[[F], F]:
    """Let only these roles call the operation (others get 403 before anything is read).

    The services check the role again; this answers 403 before the body is validated, so a
    role that may not do something at all learns that first, and the document says who may.
    """

    def mark(view: F) -> F:
        view.api_roles = frozenset(names)  # type: ignore[attr-defined]
        view.__doc__ = f"{(view.__doc__ or '').rstrip()}\nRoles: {', '.join(names)}."
        return view

    return mark


def _unauthorized(message: str) -> Any:
    body, status = envelope(401, message)
    body.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return body, status


def authenticate() -> Any:
    """Find the user of the bearer token, or answer 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return _unauthorized("send 'Authorization: Bearer <token>'")
    user = user_for_token(db_session(), token)
    if user is None:
        return _unauthorized("the token is unknown, revoked, or its user is inactive")
    g.api_user = user
    return None


def check_role() -> Response | Any | None:
    """Answer 403 when the operation is marked for other roles than the caller's."""
    view = current_app.view_functions.get(request.endpoint or "")
    allowed = getattr(view, "api_roles", None)
    if allowed is not None and api_actor().role not in allowed:
        return envelope(403, f"role '{api_actor().role}' may not do this")
    return None


def api_actor() -> User:
    """The user behind this request's token, as the services expect their `actor`."""
    user: User = g.api_user
    return user
