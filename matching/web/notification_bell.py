"""The bell in the header: the signed-in user's unread notifications, counted once per page
(with the session's lookup, web/auth.py, when the page's user came from it)."""

from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from matching.queries.notifications import unread_count
from matching.web import db_session

_COUNTED = "unread_notifications"  # flask.g: this page's count, once made


def counted_already(count: int) -> None:
    """Keep `count` as this page's: the session's lookup counted it (web/auth.py)."""
    setattr(g, _COUNTED, count)


def unread_notifications() -> int | None:
    """Return how many notifications the signed-in user has not read (None: signed out, or
    the count could not be made)."""
    if not current_user.is_authenticated:
        return None
    if _COUNTED not in g:
        try:
            counted_already(unread_count(db_session(), current_user.id))
        except SQLAlchemyError:
            # The error page renders the header too, also when the database is what failed:
            # it shows the bell without a number rather than failing a second time.
            current_app.logger.warning("unread notifications not counted", exc_info=True)
            setattr(g, _COUNTED, None)
    count: int | None = g.get(_COUNTED)
    return count


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(unread_notifications=unread_notifications)
