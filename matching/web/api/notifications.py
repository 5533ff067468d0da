"""The caller's own notifications: list them (newest first) and mark one read."""

from typing import Any

from matching.queries.notifications import notifications_for
from matching.services.notifications import mark_read
from matching.web import db_session
from matching.web.api import responses as out
from matching.web.api import serializers as to
from matching.web.api.auth import api_actor
from matching.web.api.common import ID, resource
from matching.web.api.schemas import (
    IdempotencyHeader,
    NoBody,
    NotificationPath,
    NotificationQuery,
)

blueprint = resource("notifications", "The caller's own notifications, in both languages")


@blueprint.get("/notifications", responses={200: out.NotificationPage})
def list_notifications(query: NotificationQuery) -> Any:
    """List the caller's notifications, newest first (`unread=true`: only the unread ones)."""
    found = notifications_for(db_session(), actor=api_actor(), unread_only=bool(query.unread),
                              page=query.page, per_page=query.per_page)
    return to.answer(to.page_of(out.NotificationPage, found, to.notification))


@blueprint.post(f"/notifications/<{ID}:notification_id>/read",
                responses={200: out.NotificationOut})
def mark_notification_read(path: NotificationPath, body: NoBody,
                           header: IdempotencyHeader) -> Any:
    """Mark one of the caller's notifications read (again: it keeps its first read_at)."""
    row = mark_read(db_session(), notification_id=path.notification_id, actor=api_actor())
    return to.answer(to.notification(row))
