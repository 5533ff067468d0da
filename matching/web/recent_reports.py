"""The report pages' figures, shared between the views of a short while
(matching/services/recent_figures.py): per report, period and reader scope, computed at most
once every `MATCHING_REPORT_FIGURES_SECONDS` (0: on every view), except for a person who
changed something since: the page they open next computes the figures anew.

A change is a form post that succeeded (a redirect or a page, not an error) other than
signing in or out; its moment rides in the person's signed session cookie, so every
application process knows it."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from flask import Flask, current_app, request, session
from flask.wrappers import Response
from flask_login import current_user

from matching.reports.build import scope_key
from matching.reports.period import Reader
from matching.services.recent_figures import recent_figures
from matching.vocabulary import utcnow
from matching.web import db_session
from matching.web.auth import current_actor

MAX_AGE_SETTING = "MATCHING_REPORT_FIGURES_SECONDS"
_CHANGED_AT = "changed_at"  # the session cookie's key for the person's last change
# Signing in and out, the second factor and the language switch (the API has no cookie).
_CHANGING_NO_FIGURE = {"auth", "two_factor"}


def init_app(app: Flask) -> None:
    @app.after_request
    def remember_a_change(response: Response) -> Response:
        if (request.method == "POST" and response.status_code < 400
                and request.blueprint not in _CHANGING_NO_FIGURE
                and not request.path.startswith("/api/")
                and current_user.is_authenticated):
            session[_CHANGED_AT] = utcnow().isoformat()
        return response


class PageFigures(NamedTuple):
    figures: dict[str, Any]
    computed_at: datetime
    key: str  # the report, period, role and scope they were computed for


def page_figures(report: str, period: str, compute: Callable[[], dict[str, Any]]
                 ) -> PageFigures:
    """The figures of `report` for `period` as the signed-in person may see them, and the
    moment they were computed."""
    actor = current_actor()
    reader = Reader(role=actor.role, organisation_id=actor.organisation_id)
    key = f"{report}:{period}:{actor.role}:{scope_key(reader)}"
    figures, computed_at = recent_figures(
        db_session(), key=key, compute=compute, now=utcnow(), not_before=_last_change(),
        max_age=timedelta(seconds=current_app.config[MAX_AGE_SETTING]))
    return PageFigures(figures, computed_at, key)


def _last_change() -> datetime | None:
    text = session.get(_CHANGED_AT)
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
