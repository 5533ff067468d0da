"""The web side of the access log: every request gets an id (sent back as X-Request-Id) and
names its access point, so a log row says which page or API call read a client; and a page
or answer whose reads cannot be logged is refused (503) instead of shown."""

import uuid

from flask import Flask, g, has_request_context, render_template, request

from matching.audit import AccessNotRecorded, Origin, read_requests_with
from matching.web.i18n import text as _

REQUEST_ID_HEADER = "X-Request-Id"


def request_id() -> str:
    """This request's id: made here, never taken from the request, so nobody can plant one."""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex
    rid: str = g.request_id
    return rid


def _origin() -> Origin | None:
    if not has_request_context():
        return None
    kind = "api" if request.path.startswith("/api/") else "web"
    return Origin(f"{kind} {request.method} {request.path}"[:200], request_id())


def init_app(app: Flask) -> None:
    """Name accesses by their request, and answer 503 when the log cannot take them."""
    from matching.web.errors import envelope

    read_requests_with(_origin)

    @app.after_request
    def send_request_id(response):
        response.headers[REQUEST_ID_HEADER] = request_id()
        return response

    @app.errorhandler(AccessNotRecorded)
    def not_recorded(error: AccessNotRecorded):
        app.logger.error("access log refused a row: %r", error.__cause__)
        if request.path.startswith("/api/"):
            return envelope(503, "the access could not be written to the access log, so the "
                                 "record is not shown; try again later",
                            code="access_log_unavailable")
        return render_template(
            "errors/error.html", status=503, title=_("Tijdelijk niet beschikbaar"),
            text=_("Deze inzage kon niet in het toegangslogboek worden vastgelegd, daarom "
                   "tonen we de gegevens niet. Probeer het later opnieuw."),
        ), 503
