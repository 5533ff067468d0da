"""The API's error envelope: its schema for the document, and domain errors turned into it.

Not found (also another organisation's object), permission denied and HTTP errors are
already answered with the envelope by the application's handlers (matching.web.errors);
here are the ones only the API raises: invalid values (422), a refused transition and a
lost race (409), and pydantic's validation errors from flask-openapi3.
"""

from typing import Any

from flask import make_response
from pydantic import BaseModel, Field, ValidationError
from werkzeug.wrappers import Response

from matching.services.errors import Conflict, ValidationFailed
from matching.web.errors import envelope
from matching.workflow.engine import TransitionNotAllowed


class ErrorBody(BaseModel):
    code: str = Field(description="snake_case code, stable for programs")
    message: str = Field(description="what went wrong, for people")
    fields: dict[str, str] = Field(
        default_factory=dict, description="per request field: what is wrong with it"
    )
    state: str | None = Field(None, description="409: the object's current state")
    allowed_triggers: list[str] | None = Field(
        None, description="409: the triggers the current state allows"
    )
    workflow: str | None = Field(None, description="409: the state machine that refused")
    trigger: str | None = Field(None, description="409: the trigger that was refused")


class ErrorEnvelope(BaseModel):
    """Every error answer of the API."""

    error: ErrorBody


# Declared on every operation, so that the document names each error a client may get.
ERROR_RESPONSES: dict[str | int, type[BaseModel] | dict[Any, Any] | None] = {
    status: ErrorEnvelope for status in (400, 401, 403, 404, 409, 422)
}


def field_problems(error: ValidationError) -> dict[str, str]:
    """Name each wrong field (the top-level name; deeper positions go into the text)."""
    problems: dict[str, str] = {}
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        name = location[0] if location else "body"
        detail = item["msg"]
        if len(location) > 1:
            detail = f"{'.'.join(location[1:])}: {detail}"
        problems.setdefault(name, detail)
    return problems


def invalid(fields: dict[str, str], message: str = "invalid input") -> Any:
    """A 422 answer naming every wrong field."""
    return envelope(422, str(ValidationFailed(fields, message)), fields=fields)


def validation_error_response(error: ValidationError) -> Response:
    """flask-openapi3's validation errors (path, query, header, body) as a 422 envelope."""
    return make_response(invalid(field_problems(error)))


def transition_refused(error: TransitionNotAllowed) -> Any:
    allowed = ", ".join(error.allowed) or "none"
    message = (
        f"'{error.trigger}' is not allowed now: the {error.workflow} is in state "
        f"'{error.state}'; allowed triggers: {allowed}"
    )
    return envelope(
        409, message, code="transition_not_allowed", state=error.state,
        allowed_triggers=list(error.allowed), workflow=error.workflow, trigger=error.trigger,
    )


def register_error_handlers(blueprint: Any) -> None:
    """Answer the API-only domain errors with the envelope."""

    @blueprint.errorhandler(ValidationFailed)
    def _invalid(error: ValidationFailed):
        return invalid(error.fields)

    @blueprint.errorhandler(TransitionNotAllowed)
    def _refused(error: TransitionNotAllowed):
        return transition_refused(error)

    @blueprint.errorhandler(Conflict)
    def _conflict(error: Conflict):
        return envelope(409, str(error), code="conflict")
