"""What every resource module of the API shares: its blueprint and path converters."""

from flask_openapi3 import APIBlueprint, Tag

from matching.web.api.auth import SECURITY
from matching.web.api.errors import ERROR_RESPONSES
from matching.web.api.schemas import MAX_ID

# An id in a path: a larger number than the database can hold is simply not found.
ID = f"int(max={MAX_ID})"


def operation_id(*, name: str = "", **_ignored: str) -> str:
    """Name an operation after its view function (list_dwellings, submit_dwelling, ...)."""
    return name


def resource(name: str, description: str) -> APIBlueprint:
    """A blueprint for one resource: bearer security and the error answers on every operation."""
    return APIBlueprint(
        name, __name__,
        abp_tags=[Tag(name=name, description=description)],
        abp_security=SECURITY,
        abp_responses=dict(ERROR_RESPONSES),
        operation_id_callback=operation_id,
    )
