"""Pages of Het Vierde Huis: the queue of submitted dwellings, referrals to approve and the
rounds past their deadline. The dwelling page, the offers and the page of one round to act on
live in matcher_dwelling.py, matcher_offers.py and matcher_rounds.py; their views are
registered on this one blueprint below."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from matching.queries.matcher import (
    corporation_names,
    district_names,
    overdue_rounds,
    submitted_queue,
)
from matching.queries.matcher_clients import referrals as referral_list
from matching.services.clients import approve_client
from matching.services.errors import Conflict, ValidationFailed
from matching.services.hotels import clients_due_one_time_offer
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.errors import describe
from matching.web.form_errors import service_error_texts
from matching.web.hotel_offers import one_time_offers
from matching.web.i18n import short_date
from matching.web.i18n import text as _
from matching.web.matcher_dwelling import dwelling, propose
from matching.web.matcher_forms import SERVICE_MESSAGES, ApproveForm, QueueFilterForm
from matching.web.matcher_offers import offer, offers
from matching.web.matcher_rounds import cancel, extend_round, round_page
from matching.web.page_helpers import log_reads, page_args, today
from matching.workflow.engine import TransitionNotAllowed

blueprint = Blueprint("matcher", __name__)


@blueprint.get("/matcher/wachtrij")
@roles_required("matcher")
def queue():
    """Show the submitted dwellings waiting for candidates, the longest waiting first."""
    session = db_session()
    form = QueueFilterForm(formdata=request.args)
    corporations = corporation_names(session)
    form.corporatie.choices = [SelectChoice("", _("Alle corporaties"))] + [
        SelectChoice(str(i), name) for i, name in corporations.items()]
    form.wijk.choices = [SelectChoice("", _("Alle wijken"))] + [
        SelectChoice(w, w) for w in district_names(session)]
    form.validate()
    corporation = request.args.get("corporatie", "")
    number, size = page_args()
    found = submitted_queue(
        session, actor=current_actor(), today=today(),
        corporation_id=int(corporation) if corporation.isdigit() else None,
        wijk=form.wijk.data or None, order=form.sorteer.data or "oudste",
        page=number, per_page=size,
    )
    return render_template("matcher/queue.html", queue=found, form=form,
                           one_time_offers=len(clients_due_one_time_offer(session, today())))


@blueprint.get("/matcher/aanmeldingen")
@roles_required("matcher")
def referrals():
    """Show the clients referred by care providers and not yet approved, oldest first."""
    number, size = page_args()
    found = referral_list(db_session(), actor=current_actor(), page=number, per_page=size)
    # The referral shows household, income and needs: the matcher reads the client's record.
    log_reads([r.client.id for r in found.items if r.client.id], "referral check")
    return render_template("matcher/referrals.html", page=found, form=ApproveForm())


@blueprint.post("/matcher/aanmeldingen/<int:client_id>/goedkeuren")
@roles_required("matcher")
def approve(client_id: int):
    """Approve a referral: the client starts waiting, today or from the referral's date."""
    form = ApproveForm()
    if not form.validate():
        flash(_("De startdatum van de wachttijd klopt niet."), "error")
        return redirect(url_for("matcher.referrals"), code=303)
    try:
        client = approve_client(db_session(), client_id=client_id, actor=current_actor(),
                                waiting_since=form.waiting_since.data)
    except ValidationFailed as error:
        # The referrals page has no form to show them at: a redirect follows.
        for text in service_error_texts(error, SERVICE_MESSAGES):
            flash(text, "error")
    except (TransitionNotAllowed, Conflict) as error:
        flash(describe(error), "error")
    else:
        flash(_("Cliënt %(ref)s is goedgekeurd en wacht vanaf %(since)s.",
                ref=client.reference, since=short_date(client.waiting_since)), "success")
    return redirect(url_for("matcher.referrals"), code=303)


@blueprint.get("/matcher/te-laat")
@roles_required("matcher")
def overdue():
    """Show the rounds whose corporation has not decided by the deadline."""
    number, size = page_args()
    found = overdue_rounds(db_session(), actor=current_actor(), today=today(),
                           page=number, per_page=size)
    return render_template("matcher/overdue.html", page=found)


# The dwelling page and the offers, split off to keep each module about one page.
blueprint.add_url_rule("/matcher/woningen/<int:dwelling_id>", "dwelling", dwelling,
                       methods=["GET"])
blueprint.add_url_rule("/matcher/woningen/<int:dwelling_id>/voorstellen", "propose", propose,
                       methods=["POST"])
blueprint.add_url_rule("/matcher/aanbiedingen", "offers", offers, methods=["GET"])
blueprint.add_url_rule("/matcher/eenmalig-aanbod", "one_time_offers", one_time_offers,
                       methods=["GET"])
blueprint.add_url_rule("/matcher/aanbiedingen/<int:dwelling_id>", "offer", offer,
                       methods=["GET", "POST"])
blueprint.add_url_rule("/matcher/rondes/<int:proposal_id>", "round", round_page,
                       methods=["GET"])
blueprint.add_url_rule("/matcher/rondes/<int:proposal_id>/verlengen", "extend_round",
                       extend_round, methods=["POST"])
blueprint.add_url_rule("/matcher/rondes/<int:proposal_id>/annuleren", "cancel_round", cancel,
                       methods=["POST"])
