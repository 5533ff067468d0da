"""The bell in the header: the signed-in user's unread notifications, counted once per page
(with the session's lookup, web/auth.py, when the page's user came from it)."""

from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from matching.queries.notifications import unread_count
from matching.web import db_session


def unread_notifications() -> int | None:
    """Return how many notifications the signed-in user has not read (None: signed out, or
    the count could not be made)."""
    if not current_user.is_authenticated:
        return None
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = unread_count(db_session(), current_user.id)
        except SQLAlchemyError:
            # The error page renders the header too, also when the database is what failed:
            # it shows the bell without a number rather than failing a second time.
            current_app.logger.warning("unread notifications not counted", exc_info=True)
            g.unread_notifications = None
    count: int | None = g.unread_notifications
    return count


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(unread_notifications=unread_notifications)
