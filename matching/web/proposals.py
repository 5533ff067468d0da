"""The corporation's proposal pages: the inbox of rounds to decide, and one round.

A round page shows per candidate only what the decision needs, and every candidate shown
is written to the access log (queries/proposals.py). Accept or reject is one POST per
candidate through `decide_candidate`; accepting and rejecting ask once more
(web/confirmation.py).
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from matching.queries.proposals import RoundView, landlord_reasons, round_for_decision
from matching.queries.proposals import inbox as inbox_rows
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
from matching.web.form_return import restore_errors, returned_name, send_back, take_back
from matching.web.i18n import label
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _
from matching.web.page_helpers import log_reads, page_args, today
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


def _round(proposal_id: int) -> RoundView:
    """The round, its candidates written to the access log (the page shows their records)."""
    view = round_for_decision(db_session(), actor=current_actor(), proposal_id=proposal_id,
                              today=today())
    log_reads([item.candidate.client_id for item in view.candidates],
              f"decision on proposal round {proposal_id}")
    return view


def render_round(proposal_id: int, *, failed: RejectForm | None = None, status: int = 200):
    """The round page; a candidate whose rejection failed gets back its form with errors."""
    view = _round(proposal_id)
    forms = {}
    for item in view.candidates:
        client_id = item.candidate.client_id
        if failed is not None and failed.client_id.data == str(client_id):
            forms[client_id] = failed
        else:
            forms[client_id] = _reject_form(client_id, view.reasons)
    undecided = view.proposal.state in (ProposalState.OPEN, ProposalState.OVERDUE)
    extra = {"form": failed} if failed is not None else {}  # heads the error summary
    return render_template("proposals/show.html", view=view, forms=forms,
                           undecided=undecided, **extra), status


def _refused(proposal_id: int, client_id: int, form: RejectForm):
    """Back to the round page with the refused rejection's input and errors (form_return.py)."""
    back = send_back(form, f"k{client_id}", url_for("proposals.show", proposal_id=proposal_id))
    return back if back is not None else render_round(proposal_id, failed=form, status=422)


def _returned_rejection() -> RejectForm | None:
    """A rejection refused just now, rebuilt with its input and errors for the round page."""
    name = returned_name() or ""
    if not (name.startswith("k") and name[1:].isdigit()):
        return None
    if (kept := take_back(name)) is None:
        return None
    data, errors = kept
    form = _reject_form(int(name[1:]), landlord_reasons(db_session()), formdata=data)
    form.client_id.data = name[1:]
    return restore_errors(form, errors)


def _pending(proposal_id: int, client_id: int):
    """The round and its pending candidate `client_id`; None when the round is decided or the
    client is no pending candidate of it (the service then refuses in words)."""
    view = _round(proposal_id)
    item = next((i for i in view.candidates if i.candidate.client_id == client_id), None)
    undecided = view.proposal.state in (ProposalState.OPEN, ProposalState.OVERDUE)
    if item is None or not undecided or item.candidate.state != "pending":
        return None
    return view, item


def _ask_to_accept(proposal_id: int, client_id: int):
    """The confirmation page for accepting a pending candidate; None lets the service refuse."""
    if (found := _pending(proposal_id, client_id)) is None:
        return None
    view, item = found
    return ask_confirmation(confirm_messages.accept_candidate(view, item, today()))


def _ask_to_reject(proposal_id: int, client_id: int, form: RejectForm):
    """The confirmation page for rejecting a pending candidate; None lets the service refuse."""
    if (found := _pending(proposal_id, client_id)) is None:
        return None
    view, item = found
    reason = next((r for r in view.reasons if r.code == form.reason_code.data), None)
    if reason is None or (reason.needs_motivation and not (form.motivation.data or "").strip()):
        return None  # the service says at the field what is missing: nothing to confirm yet
    return ask_confirmation(confirm_messages.reject_candidate(view, item, form))


@blueprint.get("/corporatie/voorstellen/<int:proposal_id>")
@roles_required("corporation")
def show(proposal_id: int):
    """Show one round: per candidate what the decision needs, and accept or reject; a
    rejection refused just now comes back with its input and errors."""
    return render_round(proposal_id, failed=_returned_rejection())


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
            return _refused(proposal_id, client_id, form)
        if not is_confirmed() and (
                asked := _ask_to_reject(proposal_id, client_id, form)) is not None:
            return asked
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
        return _refused(proposal_id, client_id, form)
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
