"""What every resource module of the API shares: its blueprint, path converters, and the
check of an owner id sent in a body."""

from flask_openapi3 import APIBlueprint, Tag

from matching.models import User
from matching.services.errors import ValidationFailed
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


def check_own_organisation(name: str, value: int | None, actor: User) -> None:
    """Refuse (422) an organisation id in a body other than the caller's own.

    A body may repeat the owner field the answer carries (`corporation_id` of a dwelling,
    `care_provider_id` of a client); the owner is always the caller's organisation.
    """
    if value is not None and value != actor.organisation_id:
        raise ValidationFailed({name: f"must be your own organisation ({actor.organisation_id})"})
