"""The actions on one dwelling: submit, withdraw with a reason, release, and let.

Each is a POST with a CSRF token that calls one service; letting asks once more first
(web/confirmation.py). A refused transition or a
concurrent change is flashed and the dwelling page shown again; a refused form goes back to
the dwelling page with its input and its errors at the fields (web/form_return.py).
"""

from flask import flash, redirect, url_for

from matching.queries.dwellings import dwelling_detail
from matching.services.dwellings import release_dwelling, submit_dwelling, withdraw_dwelling
from matching.services.errors import Conflict, NotFound, ValidationFailed
from matching.services.leases import let_dwelling
from matching.services.student_complexes import StudentComplexFull
from matching.services.submission_peaks import NoAgreements
from matching.vocabulary import DwellingState
from matching.web import confirm_messages, db_session
from matching.web.auth import current_actor, roles_required
from matching.web.confirmation import ask_confirmation, is_confirmed
from matching.web.dwelling_forms import LetForm, WithdrawForm
from matching.web.dwellings import FIELD_MESSAGES, blueprint, render_dwelling
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.form_return import send_back
from matching.web.i18n import quarter as quarter_label
from matching.web.i18n import text as _
from matching.workflow.engine import TransitionNotAllowed

_REFUSED = (TransitionNotAllowed, Conflict)


def _back(dwelling_id: int):
    return redirect(url_for("dwellings.show", dwelling_id=dwelling_id))


def _say_complex_full(error: StudentComplexFull) -> None:
    """Say which student complex is at its cap, with its numbers (reason student_complex_cap)."""
    share = error.share
    flash(_("Studentencomplex %(code)s zit aan het maximum: %(let)d van de %(units)d "
            "zelfstandige woningen zijn verhuurd aan bijzondere doelgroepen, hoogstens "
            "%(cap)d (%(pct)s%%) mag.", code=share.code, let=share.let, units=share.units,
            cap=share.cap, pct=share.pct_text), "error")


def _complex_full(dwelling_id: int, error: StudentComplexFull):
    _say_complex_full(error)
    return render_dwelling(dwelling_id, status=422)


def _refused(dwelling_id: int, name: str, form: WithdrawForm | LetForm):
    """Back to the dwelling page with the refused form's input and errors (form_return.py)."""
    back = send_back(form, name, url_for("dwellings.show", dwelling_id=dwelling_id))
    if back is not None:
        return back
    if isinstance(form, WithdrawForm):
        return render_dwelling(dwelling_id, withdraw_form=form, status=422)
    return render_dwelling(dwelling_id, let_form=form, status=422)


@blueprint.post("/corporatie/woningen/<int:dwelling_id>/voordragen")
@roles_required("corporation")
def submit(dwelling_id: int):
    """Submit (voordragen) a draft to Het Vierde Huis; it counts for this quarter."""
    try:
        dwelling = submit_dwelling(db_session(), dwelling_id=dwelling_id, actor=current_actor())
    except _REFUSED as error:
        flash(describe(error), "error")
        return render_dwelling(dwelling_id, status=409)
    except NoAgreements:
        flash(_("Deze woning kan niet worden voorgedragen: uw organisatie heeft geen "
                "prestatieafspraken over voorrangsgroepen. Bied de woning aan via WoningNet."),
              "error")
        return render_dwelling(dwelling_id, status=422)
    except StudentComplexFull as error:
        return _complex_full(dwelling_id, error)
    flash(_("De woning is voorgedragen aan Het Vierde Huis en telt mee voor %(quarter)s.",
            quarter=quarter_label(dwelling.quarter)), "success")
    return _back(dwelling_id)


@blueprint.post("/corporatie/woningen/<int:dwelling_id>/intrekken")
@roles_required("corporation")
def withdraw(dwelling_id: int):
    """Withdraw a dwelling that is not yet matched, with a reason."""
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _refused(dwelling_id, "withdraw", form)
    try:
        withdraw_dwelling(db_session(), dwelling_id=dwelling_id, reason=form.reason.data or "",
                          actor=current_actor())
    except _REFUSED as error:
        flash(describe(error), "error")
        return render_dwelling(dwelling_id, status=409)
    except ValidationFailed as error:
        show_service_errors(form, error, FIELD_MESSAGES)
        return _refused(dwelling_id, "withdraw", form)
    flash(_("De woning is ingetrokken."), "success")
    return _back(dwelling_id)


@blueprint.post("/corporatie/woningen/<int:dwelling_id>/vrijgeven")
@roles_required("corporation")
def release(dwelling_id: int):
    """Release an unmatched dwelling to regular allocation after the vacancy deadline."""
    try:
        release_dwelling(db_session(), dwelling_id=dwelling_id, actor=current_actor())
    except _REFUSED as error:
        flash(describe(error), "error")
        return render_dwelling(dwelling_id, status=409)
    flash(_("De woning is vrijgegeven voor de reguliere verdeling."), "success")
    return _back(dwelling_id)


@blueprint.post("/corporatie/woningen/<int:dwelling_id>/verhuren")
@roles_required("corporation")
def let(dwelling_id: int):
    """Let a dwelling whose offer the client accepted: the lease starts, the client is housed."""
    form = LetForm()
    if not form.validate_on_submit():
        return _refused(dwelling_id, "let", form)
    if not is_confirmed():
        detail = dwelling_detail(db_session(), actor=current_actor(), dwelling_id=dwelling_id)
        if detail.dwelling.state == DwellingState.OFFER_ACCEPTED:
            return ask_confirmation(confirm_messages.let_dwelling(detail, form))
    try:
        let_dwelling(db_session(), dwelling_id=dwelling_id, lease_start=form.lease_start.data,
                     lease_type=form.lease_type.data or "", actor=current_actor())
    except _REFUSED as error:
        flash(describe(error), "error")
        return render_dwelling(dwelling_id, status=409)
    except StudentComplexFull as error:
        # No field is wrong: the message, and the dates typed, wait on the dwelling page.
        _say_complex_full(error)
        return _refused(dwelling_id, "let", form)
    except ValidationFailed as error:
        show_service_errors(form, error, FIELD_MESSAGES)
        return _refused(dwelling_id, "let", form)
    except NotFound:
        # The dwelling is ours (checked by the service first) but lost its matched client.
        flash(_("Er is geen gekozen kandidaat meer voor deze woning."), "error")
        return render_dwelling(dwelling_id, status=409)
    flash(_("De woning is verhuurd. Het huurcontract staat bij de huurcontracten."), "success")
    return _back(dwelling_id)
