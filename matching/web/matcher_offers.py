"""The one-time offers out with clients, and recording the client's answer (asked once more
before it is recorded). Registered on the matcher blueprint (see matcher.py)."""

from flask import flash, redirect, render_template, url_for
from wtforms import SelectChoice

from matching.models import ReasonCode
from matching.queries.matcher import matched_offer, offers_out
from matching.queries.matcher_clients import candidate_reasons
from matching.services.dwellings import record_offer_answer
from matching.services.errors import Conflict, ValidationFailed
from matching.vocabulary import DwellingState
from matching.web import confirm_messages, db_session
from matching.web.auth import current_actor, roles_required
from matching.web.confirmation import ask_confirmation, is_confirmed
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.i18n import label
from matching.web.i18n import text as _
from matching.web.matcher_forms import SERVICE_MESSAGES, OfferAnswerForm
from matching.web.page_helpers import log_reads, page_args, today
from matching.workflow.engine import TransitionNotAllowed


@roles_required("matcher")
def offers():
    """Show the dwellings whose one-time offer awaits the client's answer."""
    number, size = page_args()
    found = offers_out(db_session(), actor=current_actor(), today=today(),
                       page=number, per_page=size)
    log_reads([r.client.id for r in found.items if r.client and r.client.id], "offers out")
    return render_template("matcher/offers.html", page=found, form=OfferAnswerForm(formdata=None))


@roles_required("matcher")
def offer(dwelling_id: int):
    """Record the client's answer to the offer: accepted, or declined with a reason."""
    form = OfferAnswerForm()
    reasons = candidate_reasons(db_session())
    form.reason_code.choices = [SelectChoice("", _("Kies een reden"))] + [
        SelectChoice(r.code, label(r)) for r in reasons]
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            if not is_confirmed() and _explained(form, reasons):
                row = _offer_row(dwelling_id)
                if row.client is not None and row.dwelling.state == DwellingState.MATCHED:
                    return ask_confirmation(confirm_messages.offer_answer(row, form, today()))
            status = _record(dwelling_id, form)
            if status == 303:
                return redirect(url_for("matcher.offers"), code=303)
    return render_template("matcher/offer.html", row=_offer_row(dwelling_id), form=form), status


def _explained(form: OfferAnswerForm, reasons: list[ReasonCode]) -> bool:
    """False when a decline lacks the explanation its reason needs: the service refuses that
    at the field, so there is nothing to confirm yet."""
    if form.answer.data != "declined" or (form.motivation.data or "").strip():
        return True
    return not any(r.needs_motivation for r in reasons if r.code == form.reason_code.data)


def _offer_row(dwelling_id: int):
    """The offer as the page shows it; reading its client is written to the access log."""
    row = matched_offer(db_session(), actor=current_actor(), dwelling_id=dwelling_id,
                        today=today())
    if row.client is not None:
        log_reads([row.client.id or 0], f"offer of dwelling {dwelling_id}")
    return row


def _record(dwelling_id: int, form: OfferAnswerForm) -> int:
    """Call the service; return 303 when done, else the status to show the form with."""
    answer = form.answer.data or ""
    declined = answer == "declined"
    try:
        dwelling = record_offer_answer(
            db_session(), dwelling_id=dwelling_id, answer=answer, actor=current_actor(),
            reason_code=(form.reason_code.data or None) if declined else None,
            valid=(form.valid.data == "yes") if declined else None,
            motivation=form.motivation.data or None,
        )
    except ValidationFailed as error:
        show_service_errors(form, error, SERVICE_MESSAGES)
        return 422
    except (TransitionNotAllowed, Conflict) as error:
        flash(describe(error), "error")
        return 409
    if not declined:
        flash(_("Vastgelegd: de cliënt accepteert het aanbod voor %(address)s. De corporatie "
                "kan de woning nu verhuren.", address=dwelling.address), "success")
    elif form.valid.data == "yes":
        flash(_("Vastgelegd: de cliënt slaat af met een geldige reden en wacht weer. De woning "
                "%(address)s is terug in de wachtrij.", address=dwelling.address), "success")
    else:
        flash(_("Vastgelegd: de cliënt weigert het aanbod; de voorrang vervalt. De woning "
                "%(address)s is terug in de wachtrij.", address=dwelling.address), "success")
    return 303
