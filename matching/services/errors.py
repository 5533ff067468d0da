"""Errors a service raises: the errors of matching.errors and the workflow's refused
transition; the web and API layers map them to pages and status codes."""

from matching.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationFailed
from matching.workflow.engine import TransitionNotAllowed

__all__ = [
    "Conflict",
    "NotFound",
    "PermissionDenied",
    "ServiceError",
    "TransitionNotAllowed",
    "ValidationFailed",
]
