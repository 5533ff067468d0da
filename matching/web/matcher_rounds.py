"""The agency's page of one round it must act on: give the corporation more time once, or
cancel the round so the dwelling goes back to the queue. Registered on the matcher's
blueprint (matching.web.matcher)."""

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired, Length

from matching.models import Proposal
from matching.queries.matcher import round_to_escalate
from matching.services.errors import Conflict, ValidationFailed
from matching.services.round_escalation import (
    REASON_MAX_LENGTH,
    cancel_round,
    extend_round_deadline,
    latest_extended_deadline,
)
from matching.vocabulary import Role
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.errors import describe
from matching.web.form_errors import Message, show_service_errors
from matching.web.form_return import bring_back, send_back
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import long_date
from matching.web.i18n import text as _
from matching.web.page_helpers import today
from matching.workflow import TransitionNotAllowed

REASON_REQUIRED = _l("Geef een reden op.")
REASON_LENGTH = Length(max=REASON_MAX_LENGTH, message=_l("Hoogstens 500 tekens."))


class ExtendRoundForm(FlaskForm):
    deadline = DateField(_l("Nieuwe beslistermijn"),
                         validators=[InputRequired(_l("Vul een geldige datum in."))])
    reason = TextAreaField(_l("Waarom krijgt de corporatie meer tijd?"),
                           validators=[InputRequired(REASON_REQUIRED), REASON_LENGTH],
                           render_kw={"rows": 3})


class CancelRoundForm(FlaskForm):
    reason = TextAreaField(_l("Waarom wordt de ronde geannuleerd?"),
                           validators=[InputRequired(REASON_REQUIRED), REASON_LENGTH],
                           render_kw={"rows": 3})


_KINDS: dict[str, type[FlaskForm]] = {"extend": ExtendRoundForm, "cancel": CancelRoundForm}


def _forms(submitted: str | None = None) -> dict[str, FlaskForm]:
    # Each form has its own prefix so the two reason fields never share an id; only the
    # submitted one reads the request.
    return {name: kind(prefix=name) if name == submitted else kind(formdata=None, prefix=name)
            for name, kind in _KINDS.items()}


def _messages(latest: date) -> dict[str, Message]:
    """Dutch words for what the round services refuse, per field."""

    def deadline(problem: str) -> str:
        if "working day" in problem:
            return _("Kies een werkdag: geen weekend of feestdag.")
        return _("Kies een datum na vandaag en uiterlijk %(latest)s.",
                 latest=long_date(latest))

    return {"deadline": deadline, "reason": str(REASON_REQUIRED)}


def _render(proposal_id: int, forms: dict[str, FlaskForm], status: int = 200,
            failed: FlaskForm | None = None):
    """The round page; a refused form (`failed`) also heads the page's error summary."""
    session, day = db_session(), today()
    view = round_to_escalate(session, actor=current_actor(), proposal_id=proposal_id, today=day)
    extra = {"form": failed} if failed is not None else {}
    return render_template("matcher/round.html", view=view, forms=forms,
                           latest=latest_extended_deadline(session, day), **extra), status


def _refused(proposal_id: int, name: str, forms: dict[str, FlaskForm]):
    """Back to the round page with the refused form's input and errors (form_return.py)."""
    back = send_back(forms[name], name, url_for("matcher.round", proposal_id=proposal_id))
    return back if back is not None else _render(proposal_id, forms, 422, forms[name])


@roles_required(Role.MATCHER)
def round_page(proposal_id: int):
    """Show a round with what the agency can do about it: extend the deadline or cancel; a
    form refused just now comes back with its input and errors."""
    forms = _forms()
    if (failed := bring_back(forms)) is not None:
        return _render(proposal_id, forms, failed=failed)
    return _render(proposal_id, forms)


def _refusal(proposal_id: int, name: str, error: TransitionNotAllowed) -> str:
    """Why the round refused the action, in the words of this page."""
    view = round_to_escalate(db_session(), actor=current_actor(), proposal_id=proposal_id,
                             today=today())
    if not view.undecided:
        return _("Over deze ronde is al besloten, of ze is geannuleerd: er is niets meer te "
                 "verlengen of te annuleren.")
    if name == "extend" and view.extended:
        return _("De termijn van deze ronde is al eens verlengd; dat kan maar één keer. "
                 "Annuleer de ronde als de corporatie niet besluit.")
    return describe(error)


def _act(proposal_id: int, name: str, call: Callable[[Any], Proposal],
         done: Callable[[Proposal], tuple[str, str]]):
    """Validate the action's form and call its service; on success flash and go where
    `done` says, else show the round again with the refusal."""
    forms = _forms(name)
    form = forms[name]
    if not form.validate():
        return _refused(proposal_id, name, forms)
    try:
        proposal = call(form)
    except ValidationFailed as error:
        latest = latest_extended_deadline(db_session(), today())
        show_service_errors(form, error, _messages(latest))
        return _refused(proposal_id, name, forms)
    except TransitionNotAllowed as error:
        flash(_refusal(proposal_id, name, error), "error")
        return _render(proposal_id, _forms(), 409)
    except Conflict as error:
        flash(describe(error), "error")
        return _render(proposal_id, _forms(), 409)
    message, target = done(proposal)
    flash(message, "success")
    return redirect(target, code=303)


@roles_required(Role.MATCHER)
def extend_round(proposal_id: int):
    """Give the corporation until a new deadline to decide on the round (once), with a reason."""
    return _act(proposal_id, "extend", lambda form: extend_round_deadline(
        db_session(), proposal_id=proposal_id, deadline=form.deadline.data,
        reason=form.reason.data or "", actor=current_actor(),
    ), lambda proposal: (
        _("De beslistermijn is verlengd tot %(date)s. De corporatie krijgt hiervan een "
          "melding.", date=long_date(proposal.deadline)),
        url_for("matcher.round", proposal_id=proposal_id),
    ))


@roles_required(Role.MATCHER)
def cancel(proposal_id: int):
    """Cancel the round: its candidates wait again and the dwelling is back in the queue."""
    return _act(proposal_id, "cancel", lambda form: cancel_round(
        db_session(), proposal_id=proposal_id, reason=form.reason.data or "",
        actor=current_actor(),
    ), lambda proposal: (
        _("De ronde is geannuleerd. De kandidaten wachten weer en de woning staat terug in "
          "de wachtrij voor een nieuwe ronde."),
        url_for("matcher.dwelling", dwelling_id=proposal.dwelling_id),
    ))
