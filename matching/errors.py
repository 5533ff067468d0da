"""The errors a user can act on, below every layer: services raise them, the access rules and
the reads too, and the web and API layers map them to pages and status codes."""


class ServiceError(Exception):
    """Base of the errors a user can act on."""


class NotFound(ServiceError):
    """No such object, or it belongs to another organisation (which must not leak)."""


class PermissionDenied(ServiceError):
    """The actor's role may not do this at all."""


class Conflict(ServiceError):
    """Someone else changed the same thing first, or a database rule refused the change."""


class ValidationFailed(ServiceError):
    """Input is well-formed but invalid; `fields` names each wrong field."""

    def __init__(self, fields: dict[str, str], message: str = "invalid input") -> None:
        self.fields = fields
        detail = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
        super().__init__(f"{message}: {detail}" if detail else message)
