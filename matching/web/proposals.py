"""The corporation's proposal pages: the inbox of rounds to decide, and one round.

A round page shows per candidate only what the decision needs, and every candidate shown
is written to the access log (queries/proposals.py). Accept or reject is one POST per
candidate through `decide_candidate`; accepting asks once more (web/confirmation.py).
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matching.queries.proposals import inbox as inbox_rows
from matching.queries.proposals import landlord_reasons, round_for_decision
from matching.services.errors import Conflict, ValidationFailed
from matching.services.proposals import decide_candidate
from matching.vocabulary import ProposalState
from matching.web import confirm_messages, db_session
from matching.web.auth import current_actor, roles_required
from matching.web.choices import choices
from matching.web.confirmation import ask_confirmation, is_confirmed
from matching.web.dwelling_forms import RejectForm
from matching.web.errors import describe
from matching.web.form_errors import Message, show_service_errors
from matching.web.i18n import label
from matching.web.page_helpers import page_args, today
from matching.workflow.engine import TransitionNotAllowed

blueprint = Blueprint("proposals", __name__)

# The service's English problems, said in Dutch at the field of the candidate's form.
FIELD_MESSAGES: dict[str, Message] = {
    "reason_code": _l("Kies een reden uit de lijst."),
    "motivation": _l("Bij deze reden is een toelichting verplicht."),
}


@blueprint.get("/corporatie/voorstellen")
@roles_required("corporation")
def inbox():
    """List the open and overdue rounds of the corporation's dwellings, with deadlines."""
    number, size = page_args()
    page = inbox_rows(db_session(), actor=current_actor(), today=today(), page=number,
                      per_page=size)
    return render_template("proposals/inbox.html", page=page)


def _reject_form(client_id: int, reasons, formdata=None) -> RejectForm:
    # The page-wide CSRF check (matching.web.register_extensions) has already run; the
    # prefixed form would otherwise look for a prefixed token.
    form = RejectForm(formdata=formdata, prefix=f"k{client_id}", client_id=client_id,
                      meta={"csrf": False})
    form.reason_code.choices = choices([("", _("Kies een reden"))] + [
        (r.code, label(r)) for r in reasons
    ])
    return form


def render_round(proposal_id: int, *, failed: RejectForm | None = None, status: int = 200):
    """The round page; a candidate whose rejection failed gets back its form with errors."""
    view = round_for_decision(db_session(), actor=current_actor(), proposal_id=proposal_id,
                              today=today())
    forms = {}
    for item in view.candidates:
        client_id = item.candidate.client_id
        if failed is not None and failed.client_id.data == str(client_id):
            forms[client_id] = failed
        else:
            forms[client_id] = _reject_form(client_id, view.reasons)
    undecided = view.proposal.state in (ProposalState.OPEN, ProposalState.OVERDUE)
    return render_template("proposals/show.html", view=view, forms=forms,
                           undecided=undecided), status


def _ask_to_accept(proposal_id: int, client_id: int):
    """The confirmation page for accepting a pending candidate; None lets the service refuse."""
    view = round_for_decision(db_session(), actor=current_actor(), proposal_id=proposal_id,
                              today=today())
    item = next((i for i in view.candidates if i.candidate.client_id == client_id), None)
    undecided = view.proposal.state in (ProposalState.OPEN, ProposalState.OVERDUE)
    if item is None or not undecided or item.candidate.state != "pending":
        return None
    return ask_confirmation(confirm_messages.accept_candidate(view, item, today()))


@blueprint.get("/corporatie/voorstellen/<int:proposal_id>")
@roles_required("corporation")
def show(proposal_id: int):
    """Show one round: per candidate what the decision needs, and accept or reject."""
    return render_round(proposal_id)


@blueprint.post("/corporatie/voorstellen/<int:proposal_id>/besluit")
@roles_required("corporation")
def decide(proposal_id: int):
    """Accept one candidate (closing the round) or reject one with a reason."""
    session, actor = db_session(), current_actor()
    try:
        client_id = int(request.form.get("client_id", ""))
    except ValueError:
        flash(_("Kies een kandidaat."), "error")
        return render_round(proposal_id, status=422)
    decision = request.form.get("decision")
    form = None
    if decision == "reject":
        form = _reject_form(client_id, landlord_reasons(session), formdata=request.form)
        form.client_id.data = str(client_id)
        if not form.validate():
            return render_round(proposal_id, failed=form, status=422)
    elif decision != "accept":
        flash(_("Kies accepteren of afwijzen."), "error")
        return render_round(proposal_id, status=422)
    elif not is_confirmed() and (asked := _ask_to_accept(proposal_id, client_id)) is not None:
        return asked
    try:
        proposal = decide_candidate(
            session, proposal_id=proposal_id, client_id=client_id, decision=decision,
            actor=actor, reason_code=form.reason_code.data if form else None,
            motivation=form.motivation.data if form else None,
        )
    except (TransitionNotAllowed, Conflict) as error:
        flash(describe(error), "error")
        return render_round(proposal_id, status=409)
    except ValidationFailed as error:
        if form is None or "client_id" in error.fields:
            flash(_("Deze kandidaat hoort niet bij deze ronde."), "error")
            return render_round(proposal_id, status=422)
        show_service_errors(form, error, FIELD_MESSAGES)
        return render_round(proposal_id, failed=form, status=422)
    if decision == "accept":
        flash(_("De kandidaat is gekozen. Het Vierde Huis doet het eenmalige aanbod; de "
                "andere kandidaten gaan terug naar de wachtrij."), "success")
        return redirect(url_for("proposals.inbox"))
    if proposal.state == ProposalState.REJECTED:
        flash(_("Alle kandidaten zijn afgewezen. Het Vierde Huis stelt nieuwe kandidaten "
                "voor."), "success")
        return redirect(url_for("proposals.inbox"))
    flash(_("De kandidaat is afgewezen."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal_id))
