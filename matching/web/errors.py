"""Error pages in the user's language; domain errors turned into the right status."""

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from matching.services.errors import Conflict, NotFound, PermissionDenied
from matching.web.i18n import STATE_LABELS, TRIGGER_LABELS
from matching.web.i18n import text as _
from matching.workflow.engine import TransitionNotAllowed


def describe(error: Exception) -> str:
    """A sentence for a flashed message about a refused action."""
    if isinstance(error, TransitionNotAllowed):
        state = STATE_LABELS.get(error.state, error.state)
        allowed = ", ".join(str(TRIGGER_LABELS.get(t, t)) for t in error.allowed) or _("niets")
        return _(
            "Dit kan nu niet: de status is '%(state)s'. Wat nu kan: %(allowed)s.",
            state=state, allowed=allowed,
        )
    if isinstance(error, Conflict):
        return _(
            "Iemand anders heeft dit net gewijzigd. Bekijk de nieuwe stand en probeer het opnieuw."
        )
    return str(error)


def _explanation(error: HTTPException) -> str:
    """What went wrong, in the user's language. werkzeug's own description is an English
    sentence ("The requested URL was not found on the server..."): a page shows ours instead,
    and a description a view passed to `abort` only when it is not werkzeug's default."""
    own = error.description
    if own and own != type(error).description:
        return str(own)
    texts = {
        400: _("Dit verzoek klopt niet. Ga terug en probeer het opnieuw."),
        403: _("Uw rol mag deze pagina niet gebruiken."),
        404: _("Deze pagina bestaat niet, of is niet voor u."),
        405: _("Deze pagina kan dat niet. Ga terug en gebruik de knoppen op de pagina."),
        409: _("Iemand anders heeft dit net gewijzigd. Bekijk de nieuwe stand en probeer het "
               "opnieuw."),
        413: _("Het bestand is te groot. Kies een kleiner bestand."),
        429: _("U heeft het te vaak geprobeerd. Wacht even en probeer het dan opnieuw."),
    }
    return texts.get(error.code or 500, _("Er ging iets mis. Probeer het opnieuw."))


def _page(status: int, title: str, text: str):
    return render_template("errors/error.html", status=status, title=title, text=text), status


def _is_api() -> bool:
    return request.path.startswith("/api/")


_API_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
}


def envelope(status: int, message: str, *, code: str | None = None,
             fields: dict[str, str] | None = None, **extra: Any):
    """The API's error body: {"error": {"code", "message", "fields", ...}} with `status`."""
    body: dict[str, Any] = {
        "code": code or _API_CODES.get(status, "error"), "message": message, "fields": fields or {}
    }
    body.update(extra)
    return jsonify(error=body), status


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        if _is_api():
            return envelope(404, str(error))
        return _page(404, _("Niet gevonden"), _("Deze pagina bestaat niet, of is niet voor u."))

    @app.errorhandler(PermissionDenied)
    def forbidden(error: PermissionDenied):
        if _is_api():
            return envelope(403, str(error))
        return _page(403, _("Geen toegang"), _("Uw rol mag dit niet."))

    @app.errorhandler(Conflict)
    def conflict(error: Conflict):
        # Where a view does not flash it: a lost race, or a change the database kept undoing
        # (services.retry), is a 409 to try again, never a 500.
        if _is_api():
            return envelope(409, str(error), code="conflict")
        return _page(409, _("Conflict"), describe(error))

    @app.errorhandler(CSRFError)
    def csrf_refused(_error: CSRFError):
        return _page(
            400, _("Formulier verlopen"),
            _("Het formulier was verlopen of kwam niet van deze site. Laad de pagina opnieuw."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _is_api():
            return envelope(error.code or 500, error.description or error.name)
        code = error.code or 500
        titles = {
            400: _("Onjuist verzoek"),
            403: _("Geen toegang"),
            404: _("Niet gevonden"),
            405: _("Niet toegestaan"),
            409: _("Conflict"),
            413: _("Bestand te groot"),
            429: _("Te veel verzoeken"),
        }
        return _page(code, titles.get(code, _("Fout")), _explanation(error))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unexpected error")
        if _is_api():
            return envelope(500, "internal error; nothing was saved")
        return _page(
            500,
            _("Er ging iets mis"),
            _("Er ging iets mis aan onze kant. Niets is opgeslagen; probeer het opnieuw."),
        )
