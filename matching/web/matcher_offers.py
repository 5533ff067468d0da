"""The one-time offers out with clients, and recording the client's answer. Registered on
the matcher blueprint (see matcher.py)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from matching.queries.matcher import matched_offer, offers_out
from matching.queries.matcher_clients import candidate_reasons
from matching.services.dwellings import record_offer_answer
from matching.services.errors import Conflict, ValidationFailed
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.i18n import label
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
    form.reason_code.choices = [SelectChoice("", _("Kies een reden"))] + [
        SelectChoice(r.code, label(r)) for r in candidate_reasons(db_session())]
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            status = _record(dwelling_id, form)
            if status == 303:
                return redirect(url_for("matcher.offers"), code=303)
    row = matched_offer(db_session(), actor=current_actor(), dwelling_id=dwelling_id,
                        today=today())
    if row.client is not None:
        log_reads([row.client.id or 0], f"offer of dwelling {dwelling_id}")
    return render_template("matcher/offer.html", row=row, form=form), status


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
