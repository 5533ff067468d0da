"""The notifications of the signed-in user: the list, opening one (from the list or from an
e-mail), marking them read, and the e-mail preferences.

Every user sees only their own notifications; another user's answers 404. The paths of
opening one and of the preferences are fixed: e-mails link to them (notifications/mail.py).
"""

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from matching.notifications.kinds import label
from matching.queries.notifications import NotificationRow, notifications_for, preferences_of
from matching.services.errors import Conflict, ValidationFailed
from matching.services.notifications import mark_all_read, mark_read, set_mail_preferences
from matching.vocabulary import Role, utcnow
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.i18n import language
from matching.web.i18n import text as _
from matching.web.notification_forms import delivery_fields, preferences_form, service_messages
from matching.web.page_helpers import page_args

blueprint = Blueprint("notifications", __name__)

ROLES = (Role.CORPORATION, Role.MATCHER, Role.CARE_PROVIDER, Role.ANALYST, Role.ADMIN)

# Where a notification leads, by its subject and the reader's role: the page where the
# reader sees, and acts on, what it is about: (endpoint, name of the subject's id in its
# path, or "" for a list).
SUBJECT_PAGES: dict[tuple[str, str], tuple[str, str]] = {
    ("proposal", Role.CORPORATION): ("proposals.show", "proposal_id"),
    ("proposal", Role.MATCHER): ("matcher.round", "proposal_id"),
    ("dwelling", Role.CORPORATION): ("dwellings.show", "dwelling_id"),
    ("dwelling", Role.MATCHER): ("matcher.dwelling", "dwelling_id"),
    ("client", Role.MATCHER): ("matcher.referrals", ""),  # a referral is checked in the list
    ("client", Role.CARE_PROVIDER): ("clients.show", "client_id"),
    ("lease", Role.CORPORATION): ("leases.show", "lease_id"),
    ("lease", Role.CARE_PROVIDER): ("leases.show", "lease_id"),
    ("lease", Role.MATCHER): ("leases.show", "lease_id"),
    # A year's provisional contingents: the contingents page (this year's).
    ("quarter", Role.MATCHER): ("contingents.index", ""),
    ("quarter", Role.CARE_PROVIDER): ("contingents.index", ""),
}

# A kind whose page is not its subject's usual one: the agency records the answer to an
# offer on the offer's page.
KIND_PAGES: dict[tuple[str, str], str] = {("offer_overdue", Role.MATCHER): "matcher.offer",
                                          ("submission_peak", Role.MATCHER): "supply.release"}


def subject_url(row: NotificationRow, role: str) -> str:
    """Return the address of the page a notification is about, for a reader of `role`."""
    page = SUBJECT_PAGES.get((row.subject_type, role))
    if page is None:
        return url_for(".index")
    endpoint, id_name = page
    args: dict[str, Any] = {id_name: row.subject_id} if id_name else {}
    return url_for(KIND_PAGES.get((row.kind, role), endpoint), **args)


@blueprint.get("/meldingen")
@roles_required(*ROLES)
def index():
    """List the user's notifications, newest first; `?ongelezen=1` keeps the unread ones."""
    unread_only = request.args.get("ongelezen") == "1"
    number, size = page_args()
    page = notifications_for(db_session(), actor=current_actor(), unread_only=unread_only,
                             page=number, per_page=size)
    return render_template("notifications/index.html", page=page, unread_only=unread_only,
                           kind_label=lambda kind: label(kind, language()),
                           shown_at=utcnow().isoformat())


@blueprint.get("/meldingen/<int:notification_id>")
@roles_required(*ROLES)
def open_notification(notification_id: int):
    """Open a notification: mark it read and go to the page of what it is about."""
    row = mark_read(db_session(), notification_id=notification_id, actor=current_actor())
    return redirect(subject_url(row, current_actor().role))


def _back_to_list():
    # Back to the page and filter the button was pressed on.
    args = {}
    if request.form.get("ongelezen") == "1":
        args["ongelezen"] = "1"
    if request.form.get("page", "").isdigit() and request.form["page"] != "1":
        args["page"] = request.form["page"]
    return redirect(url_for(".index", **args), code=303)


@blueprint.post("/meldingen/<int:notification_id>/gelezen")
@roles_required(*ROLES)
def read(notification_id: int):
    """Mark one notification read without opening it."""
    mark_read(db_session(), notification_id=notification_id, actor=current_actor())
    flash(_("De melding is als gelezen gemarkeerd."), "success")
    return _back_to_list()


def _shown_at() -> datetime | None:
    """When the page with the button was shown (None: not said, or not a moment)."""
    try:
        moment = datetime.fromisoformat(request.form.get("shown_at", ""))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@blueprint.post("/meldingen/alles-gelezen")
@roles_required(*ROLES)
def read_all():
    """Mark every unread notification read that the page showed; one that arrived after the
    page was shown stays unread, since the user has not seen it."""
    count = mark_all_read(db_session(), actor=current_actor(), up_to=_shown_at())
    flash(ngettext("%(num)s melding is als gelezen gemarkeerd.",
                   "%(num)s meldingen zijn als gelezen gemarkeerd.", count), "success")
    return _back_to_list()


@blueprint.route("/profiel/meldingen", methods=["GET", "POST"])
@roles_required(*ROLES)
def preferences():
    """Choose per kind of notification how e-mail comes, and the language of the e-mail."""
    session, actor = db_session(), current_actor()
    rows = preferences_of(session, actor=actor)
    form = preferences_form(rows, actor.language)
    status = 200
    if form.validate_on_submit():
        try:
            set_mail_preferences(
                session, actor=actor, language=form.language.data or None,
                deliveries={row.kind.code: str(form[row.kind.code].data) for row in rows
                            if form[row.kind.code].data is not None},
            )
        except ValidationFailed as error:
            show_service_errors(form, error, service_messages(rows))
            status = 422
        except Conflict as error:  # the same choice saved twice at once: the choices stay
            flash(describe(error), "error")
            status = 409
        else:
            flash(_("Uw voorkeuren voor meldingen zijn opgeslagen."), "success")
            return redirect(url_for(".preferences"), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("notifications/preferences.html", form=form,
                           fields=delivery_fields(form, rows)), status
