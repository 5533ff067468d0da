"""The shape of a request body, checked before flask-openapi3 validates its values.

Malformed JSON and a body that is not JSON are a 400 (the contract's "malformed"); a
missing body is a 400 too, unless every field of the operation's body is optional. NUL
characters are refused (422): PostgreSQL cannot store them in text.
"""

from functools import lru_cache
from typing import Any, get_type_hints

from flask import current_app, request
from pydantic import BaseModel

from matching.web.api.errors import invalid
from matching.web.errors import envelope


@lru_cache(maxsize=256)
def _body_model(endpoint: str) -> type[BaseModel] | None:
    view = current_app.view_functions.get(endpoint)
    view = getattr(view, "__wrapped__", view)
    if view is None:
        return None
    model = get_type_hints(view).get("body")
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _body_required(model: type[BaseModel]) -> bool:
    return any(field.is_required() for field in model.model_fields.values())


def _nul_fields(value: Any, name: str = "body") -> dict[str, str]:
    if isinstance(value, str):
        return {name: "must not contain NUL characters"} if "\x00" in value else {}
    if isinstance(value, dict):
        found: dict[str, str] = {}
        for key, item in value.items():
            found.update(_nul_fields(item, name if name != "body" else str(key)))
        return found
    if isinstance(value, list):
        found = {}
        for item in value:
            found.update(_nul_fields(item, name))
        return found
    return {}


def check_query() -> Any:
    """Refuse NUL characters in query parameters."""
    bad = {name: "must not contain NUL characters"
           for name, value in request.args.items(multi=True) if "\x00" in value}
    return invalid(bad) if bad else None


def check_body() -> Any:
    """Answer 400 for a body that is not a JSON object where one is expected."""
    if request.method not in ("POST", "PUT"):
        return None
    model = _body_model(request.endpoint or "")
    raw = request.get_data(cache=True)
    if not raw.strip():
        if model is not None and _body_required(model):
            return envelope(400, "this operation needs a JSON object as its body",
                            code="body_missing")
        return None
    if not request.is_json:
        return envelope(400, "send the body as JSON (Content-Type: application/json)",
                        code="unsupported_media_type")
    try:
        data = request.get_json(silent=False)
    except Exception:  # werkzeug raises BadRequest with the parser's complaint
        return envelope(400, "the body is not well-formed JSON", code="malformed_json")
    if not isinstance(data, dict):
        return envelope(400, "the body must be a JSON object", code="malformed_json")
    bad = _nul_fields(data)
    return invalid(bad) if bad else None
