"""Pages of the clients area: the list, registering and editing a referral, the client page
with its history and rounds, and the actions on a client (approve, hold, resume, withdraw,
reinstate). Care providers see only their own clients; the matcher sees all."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, StringField

from matching.queries.clients import (
    client_history,
    client_rounds,
    client_rows,
    districts,
    target_groups,
)
from matching.queries.lists import clients_for
from matching.services import clients as service
from matching.services.errors import Conflict, ValidationFailed
from matching.services.hotels import one_time_offer_due
from matching.vocabulary import ClientState, Role
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.choices import choices
from matching.web.client_forms import ClientForm, action_forms, service_messages
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.form_return import bring_back, send_back
from matching.web.i18n import STATE_LABELS, label
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _
from matching.web.page_helpers import log_reads, page_args, today
from matching.workflow import TransitionNotAllowed, allowed_triggers

blueprint = Blueprint("clients", __name__)

ROLES = (Role.CARE_PROVIDER, Role.MATCHER)

# What each role may do to a client; the state machine narrows it to what is possible now.
ROLE_ACTIONS: dict[str, set[str]] = {
    Role.CARE_PROVIDER: {"hold", "resume", "withdraw", "house_in_place"},
    Role.MATCHER: {"approve", "hold", "resume", "withdraw", "reinstate", "house_in_place"},
}


# What a row of the client list shows (logged as the fields read).
LIST_FIELDS = ("reference", "care_provider_id", "state", "target_group", "adults", "children",
               "registered_on", "waiting_since")


class ClientFilter(Form):
    """The list's filters; a GET form, so it carries no CSRF token."""

    state = SelectField(_l("Status"), choices=[])
    target_group = SelectField(_l("Doelgroep"), choices=[])
    reference = StringField(_l("Referentie bevat"))


def _choice(field: SelectField) -> str | None:
    value = field.data or None
    return value if value in {str(c.value) for c in field.choices or []} else None


@blueprint.get("/clienten")
@roles_required(*ROLES)
def index():
    """List the clients the user may see, longest waiting first, and log that they were shown."""
    session, actor = db_session(), current_actor()
    filters = ClientFilter(request.args)
    filters.state.choices = choices([("", _("Alle"))] + [(s.value, str(STATE_LABELS[s.value]))
                                                         for s in ClientState])
    groups = target_groups(session)
    filters.target_group.choices = choices([("", _("Alle"))]
                                           + [(g.code, label(g)) for g in groups])
    number, per_page = page_args()
    page = clients_for(
        session, actor=actor, state=_choice(filters.state),
        target_group=_choice(filters.target_group),
        reference=(filters.reference.data or "").strip() or None, page=number, per_page=per_page,
    )
    rows = client_rows(session, page.items, today(), groups=groups)
    filtered = any(request.args.get(name) for name in ("state", "target_group", "reference"))
    log_reads([c.id for c in page.items if c.id], purpose="client list",
              action="search" if filtered else "read", fields=LIST_FIELDS)
    return render_template("clients/index.html", rows=rows, page=page, filters=filters,
                           show_provider=actor.role == Role.MATCHER,
                           has_upload="clients.upload" in current_app.view_functions)


def _client_form() -> ClientForm:
    form = ClientForm()
    form.fill_choices(target_groups(db_session()), districts(db_session()))
    return form


@blueprint.route("/clienten/nieuw", methods=["GET", "POST"])
@roles_required(Role.CARE_PROVIDER)
def new():
    """Register a referral for the user's care provider."""
    form = _client_form()
    status = 200
    if not form.is_submitted():
        form.registered_on.data = today()
    elif form.validate():
        try:
            client = service.register_client(
                db_session(), data=form.service_data(), actor=current_actor()
            )
        except ValidationFailed as error:
            show_service_errors(form, error, service_messages())
            status = 422
        except Conflict as error:  # the same reference at the same moment: the input stays
            flash(describe(error), "error")
            status = 409
        else:
            flash(_("Cliënt %(reference)s is aangemeld.", reference=client.reference), "success")
            return redirect(url_for(".show", client_id=client.id))
    else:
        status = 422
    return render_template("clients/form.html", form=form, client=None), status


@blueprint.route("/clienten/<int:client_id>/wijzigen", methods=["GET", "POST"])
@roles_required(*ROLES)
def edit(client_id: int):
    """Edit a client's matching details."""
    session = db_session()
    client = service.read_client(session, client_id=client_id, actor=current_actor(),
                                 purpose="edit client")
    form = ClientForm.for_client(client)
    form.fill_choices(target_groups(session), districts(session))
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                service.update_client(session, client_id=client_id, data=form.service_data(),
                                      actor=current_actor())
            except ValidationFailed as error:
                show_service_errors(form, error, service_messages())
            except (TransitionNotAllowed, Conflict) as error:
                flash(describe(error), "error")
                status = 409
            else:
                flash(_("De gegevens zijn opgeslagen."), "success")
                return redirect(url_for(".show", client_id=client_id))
    return render_template("clients/form.html", form=form, client=client), status


def _render_show(client_id: int, forms: dict[str, FlaskForm], status: int = 200,
                 failed: FlaskForm | None = None):
    """The client page; a refused action form (`failed`) also heads the error summary."""
    session, actor = db_session(), current_actor()
    client = service.read_client(session, client_id=client_id, actor=actor, purpose="client page")
    row = client_rows(session, [client], today())[0]
    actions = set(allowed_triggers(client, with_unlisted=True)) & ROLE_ACTIONS.get(
        actor.role, set())
    return render_template(
        "clients/show.html", row=row, client=client, history=client_history(session, client_id),
        rounds=client_rounds(session, client_id), actions=actions, forms=forms,
        show_provider=actor.role == Role.MATCHER,
        editable=client.state in service.EDITABLE_STATES,
        # Only the client's own care provider gets this far with that role.
        own_provider=actor.role == Role.CARE_PROVIDER,
        one_time_offer_due=one_time_offer_due(client, today()),
        **({"form": failed} if failed is not None else {}),
    ), status


def _refused(client_id: int, name: str, forms: dict[str, FlaskForm]):
    """Back to the client page with the refused form's input and errors (form_return.py)."""
    back = send_back(forms[name], name, url_for(".show", client_id=client_id))
    return back if back is not None else _render_show(client_id, forms, 422, forms[name])


@blueprint.get("/clienten/<int:client_id>")
@roles_required(*ROLES)
def show(client_id: int):
    """Show one client: facts, waiting time, history, rounds and the actions allowed now; an
    action form refused just now comes back with its input and errors."""
    forms = action_forms()
    if (failed := bring_back(forms)) is not None:
        return _render_show(client_id, forms, failed=failed)
    return _render_show(client_id, forms)


def _act(client_id: int, name: str, call: Callable[[Any], Any], done: str):
    """Validate the action's form, call its service, and show the outcome on the client page."""
    forms = action_forms(name)
    form = forms[name]
    if not form.validate():
        return _refused(client_id, name, forms)
    try:
        call(form)
    except ValidationFailed as error:
        show_service_errors(form, error, service_messages())
        return _refused(client_id, name, forms)
    except (TransitionNotAllowed, Conflict) as error:
        flash(describe(error), "error")
        return _render_show(client_id, action_forms(), 409)
    flash(done, "success")
    return redirect(url_for(".show", client_id=client_id))


@blueprint.post("/clienten/<int:client_id>/goedkeuren")
@roles_required(Role.MATCHER)
def approve(client_id: int):
    """Approve a referral: the client starts waiting."""
    return _act(client_id, "approve", lambda form: service.approve_client(
        db_session(), client_id=client_id, actor=current_actor(),
        waiting_since=form.waiting_since.data,
    ), _("De aanmelding is goedgekeurd; de wachttijd loopt."))


@blueprint.post("/clienten/<int:client_id>/pauzeren")
@roles_required(*ROLES)
def hold(client_id: int):
    """Pause a waiting client."""
    return _act(client_id, "hold", lambda form: service.hold_client(
        db_session(), client_id=client_id, actor=current_actor(), reason=form.reason.data or "",
    ), _("De cliënt is tijdelijk niet beschikbaar."))


@blueprint.post("/clienten/<int:client_id>/hervatten")
@roles_required(*ROLES)
def resume(client_id: int):
    """Put a paused client back in the queue."""
    return _act(client_id, "resume", lambda form: service.resume_client(
        db_session(), client_id=client_id, actor=current_actor(),
    ), _("De cliënt wacht weer."))


@blueprint.post("/clienten/<int:client_id>/intrekken")
@roles_required(*ROLES)
def withdraw(client_id: int):
    """Withdraw a client from the process, with a reason."""
    return _act(client_id, "withdraw", lambda form: service.withdraw_client(
        db_session(), client_id=client_id, actor=current_actor(), reason=form.reason.data or "",
    ), _("De cliënt is ingetrokken."))


@blueprint.post("/clienten/<int:client_id>/herstellen")
@roles_required(Role.MATCHER)
def reinstate(client_id: int):
    """Give a client who refused an offer their place back, with a motivation."""
    return _act(client_id, "reinstate", lambda form: service.reinstate_client(
        db_session(), client_id=client_id, actor=current_actor(),
        motivation=form.motivation.data or "",
    ), _("De cliënt is hersteld en wacht weer."))


# The upload and privacy pages add their routes to this blueprint; imported last because
# they need `blueprint`.
from matching.web import client_privacy, client_upload  # noqa: E402,F401
