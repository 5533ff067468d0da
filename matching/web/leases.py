"""Pages of the leases area: the list and the lease page, with the actions each party may take
(extend the review, transfer, end) and the care provider's request for the transfer.

A corporation sees its own leases as landlord, a care provider the leases it rents or whose
client lives there, the matcher all; another organisation's lease answers 404."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from matching.queries.leases import (
    client_visible,
    extension_window,
    lease_detail,
    lease_rows,
    printable,
)
from matching.queries.lists import leases_for
from matching.services import lease_requests
from matching.services import leases as service
from matching.services.errors import Conflict, ValidationFailed
from matching.vocabulary import Role
from matching.web import confirm_messages, db_session
from matching.web.auth import current_actor, roles_required
from matching.web.confirmation import Confirmation, ask_confirmation, is_confirmed
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.form_return import bring_back, send_back
from matching.web.i18n import text as _
from matching.web.lease_forms import LeaseFilter, action_forms, service_messages
from matching.web.page_helpers import log_reads, page_args, today
from matching.workflow import TransitionNotAllowed

blueprint = Blueprint("leases", __name__)

ROLES = (Role.CORPORATION, Role.CARE_PROVIDER, Role.MATCHER)


@blueprint.get("/huurcontracten")
@roles_required(*ROLES)
def index():
    """List the leases the user is a party to, found by address or client reference, running
    leases first by their next date."""
    session, actor = db_session(), current_actor()
    filters = LeaseFilter(request.args)
    filters.fill_choices(sees_clients=actor.role != Role.CORPORATION)
    search = printable(filters.q.data)
    number, per_page = page_args()
    page = leases_for(
        session, actor=actor, lease_type=filters.chosen(filters.lease_type),
        state=filters.chosen(filters.state), search=search or None, page=number,
        per_page=per_page,
    )
    if search:
        # A search can find a lease by its client's reference: the access log says so.
        log_reads([lease.client_id for lease in page.items
                   if lease.client_id and client_visible(actor, lease)],
                  purpose="lease list", action="search", fields=("reference",))
    return render_template(
        "leases/index.html", rows=lease_rows(session, page.items, today()), page=page,
        filters=filters, is_landlord=actor.role == Role.CORPORATION,
    )


def _render_show(lease_id: int, forms: dict[str, FlaskForm], status: int = 200,
                 failed: FlaskForm | None = None):
    """The lease page; a refused action form (`failed`) also heads the page's error summary."""
    session = db_session()
    detail = lease_detail(session, lease_id=lease_id, actor=current_actor(), today=today())
    current, limit = extension_window(session, detail.row.lease)
    extra = {"form": failed} if failed is not None else {}
    return render_template(
        "leases/show.html", detail=detail, lease=detail.row.lease, forms=forms,
        review_now=current, review_limit=limit, **extra,
    ), status


def _refused(lease_id: int, name: str, forms: dict[str, FlaskForm]):
    """Back to the lease page with the refused form's input and errors (form_return.py)."""
    back = send_back(forms[name], name, url_for(".show", lease_id=lease_id))
    return back if back is not None else _render_show(lease_id, forms, 422, forms[name])


@blueprint.get("/huurcontracten/<int:lease_id>")
@roles_required(*ROLES)
def show(lease_id: int):
    """Show one lease: its dates, parties, history, transfer requests and the actions allowed;
    an action form refused just now comes back with its input and errors."""
    forms = action_forms()
    if (failed := bring_back(forms)) is not None:
        return _render_show(lease_id, forms, failed=failed)
    return _render_show(lease_id, forms)


def _act(lease_id: int, name: str, call: Callable[[Any], Any], done: str,
         ask: Callable[[Any, Any], Confirmation] | None = None):
    """Validate the action's form, call its service, and show the outcome on the lease page;
    an irreversible action (`ask`) first shows what will happen and waits for a confirm."""
    forms = action_forms(name)
    form = forms[name]
    if not form.validate():
        return _refused(lease_id, name, forms)
    if ask is not None and not is_confirmed():
        detail = lease_detail(db_session(), lease_id=lease_id, actor=current_actor(),
                              today=today())
        if name in detail.actions:
            return ask_confirmation(ask(detail, form))
    try:
        call(form)
    except ValidationFailed as error:
        session = db_session()
        lease = lease_detail(session, lease_id=lease_id, actor=current_actor(),
                             today=today()).row.lease
        current, limit = extension_window(session, lease)
        show_service_errors(form, error, service_messages(lease.start_on, current, limit))
        return _refused(lease_id, name, forms)
    except (TransitionNotAllowed, Conflict) as error:
        flash(describe(error), "error")
        return _render_show(lease_id, action_forms(), 409)
    flash(done, "success")
    return redirect(url_for(".show", lease_id=lease_id))


@blueprint.post("/huurcontracten/<int:lease_id>/verlengen")
@roles_required(Role.CARE_PROVIDER)
def extend(lease_id: int):
    """Postpone the review of a flip lease whose tenant is not ready, with a reason."""
    return _act(lease_id, "extend", lambda form: service.extend_lease(
        db_session(), lease_id=lease_id, review_on=form.review_on.data,
        reason=form.reason.data or "", actor=current_actor(),
    ), _("De evaluatie is uitgesteld."))


@blueprint.post("/huurcontracten/<int:lease_id>/omklappen")
@roles_required(Role.MATCHER, Role.CORPORATION)
def transfer(lease_id: int):
    """Transfer (omklap) a flip lease: the client becomes the tenant from a date."""
    return _act(lease_id, "transfer", lambda form: service.transfer_lease(
        db_session(), lease_id=lease_id, on=form.on.data, actor=current_actor(),
    ), _("Het contract is omgeklapt: de cliënt is nu de huurder."),
        ask=confirm_messages.transfer_lease)


@blueprint.post("/huurcontracten/<int:lease_id>/beeindigen")
@roles_required(Role.CORPORATION)
def end(lease_id: int):
    """End a lease as its landlord, with a date and a reason."""
    return _act(lease_id, "end", lambda form: service.end_lease(
        db_session(), lease_id=lease_id, on=form.on.data, reason=form.reason.data or "",
        actor=current_actor(),
    ), _("Het contract is beëindigd."), ask=confirm_messages.end_lease)


@blueprint.post("/huurcontracten/<int:lease_id>/omklap-aanvragen")
@roles_required(Role.CARE_PROVIDER)
def request_transfer(lease_id: int):
    """Ask the landlord to transfer a flip lease to the client (the lease itself stays as is)."""
    return _act(lease_id, "request", lambda form: lease_requests.request_lease_transfer(
        db_session(), lease_id=lease_id, wished_on=form.wished_on.data,
        note=form.note.data or "", actor=current_actor(),
    ), _("De omklap is aangevraagd; de verhuurder ziet de aanvraag bij dit contract."))
