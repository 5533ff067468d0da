"""The corporation's dwelling pages: the quarter, the list, the form and one dwelling.

The actions on a dwelling (submit, withdraw, release, let) live in dwelling_actions.py and
the bulk upload in dwelling_uploads.py; both add their routes to this blueprint.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from matching.quarters import parse_quarter, quarter_of
from matching.queries.dwellings import (
    SORTS,
    care_provider_choices,
    district_choices,
    dwelling_detail,
    dwelling_list,
    earmarked_ids,
    own_dwelling,
    own_quarters,
    quarter_overview,
)
from matching.queries.leases import lease_id_of_dwelling
from matching.services.dwellings import create_dwelling, update_dwelling
from matching.services.errors import Conflict, ValidationFailed
from matching.services.submission_peaks import landlord_may_submit
from matching.vocabulary import DwellingState
from matching.web import db_session
from matching.web.auth import ActionForm, current_actor, roles_required
from matching.web.choices import choices
from matching.web.dwelling_forms import DwellingForm, LetForm, WithdrawForm
from matching.web.errors import describe
from matching.web.form_errors import Message, show_service_errors
from matching.web.form_return import restore_errors, returned_name, take_back
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import quarter as quarter_label
from matching.web.i18n import text as _
from matching.web.page_helpers import page_args, today
from matching.workflow import allowed_triggers

blueprint = Blueprint("dwellings", __name__)

# The service's English problems, said in Dutch next to the field they belong to.
FIELD_MESSAGES: dict[str, Message] = {
    "wijk": _l("Kies een wijk of U16-gemeente uit de lijst."),
    "earmarked_care_provider_ids": _l("Kies alleen zorgaanbieders uit de lijst."),
    "reason": _l("Geef een reden."),
    "lease_type": _l("De zorgaanbieder heeft niet ingestemd met een omklapcontract; "
                     "kies een ander soort huurcontract."),
}

@blueprint.get("/corporatie/kwartaal")
@roles_required("corporation")
def quarter():
    """Show the corporation's quota figures for a quarter and what is due now."""
    day = today()
    current = quarter_of(day)
    wanted = request.args.get("kwartaal") or current
    try:
        chosen = parse_quarter(wanted)
    except ValueError:
        chosen = parse_quarter(current)
        flash(_("'%(value)s' is geen kwartaal; hieronder staat %(quarter)s.", value=wanted,
                quarter=quarter_label(str(chosen))), "error")
    overview = quarter_overview(db_session(), actor=current_actor(), quarter=str(chosen),
                                today=day)
    previous, following = str(chosen.previous), str(chosen.following)
    return render_template("dwellings/quarter.html", overview=overview, previous=previous,
                           following=following, current=current)


@blueprint.get("/corporatie/woningen")
@roles_required("corporation")
def index():
    """List the corporation's dwellings, filtered by state and quarter, in pages."""
    number, size = page_args()
    state = request.args.get("status") or None
    chosen_quarter = request.args.get("kwartaal") or None
    sort = request.args.get("sorteer") or "nieuwste"
    if state not in (None, *DwellingState):
        state = None
    if sort not in SORTS:
        sort = "nieuwste"
    session, actor = db_session(), current_actor()
    page = dwelling_list(session, actor=actor, state=state, quarter=chosen_quarter, sort=sort,
                         page=number, per_page=size)
    return render_template(
        "dwellings/index.html", page=page, state=state, quarter=chosen_quarter, sort=sort,
        states=list(DwellingState), quarters=own_quarters(session, actor=actor),
        sorts=list(SORTS),
    )


def _dwelling_form(**kwargs) -> DwellingForm:
    form = DwellingForm(**kwargs)
    session = db_session()
    # No district is chosen for the user: an empty first option makes the choice explicit.
    form.wijk.choices = choices([("", _("Kies een wijk of gemeente"))] + [
        (name, name if kind == "wijk" else _("%(name)s (U16)", name=name))
        for kind, names in district_choices(session).items() for name, _label in names
    ])
    form.earmarked_care_provider_ids.choices = choices(care_provider_choices(session))
    return form


@blueprint.route("/corporatie/woningen/nieuw", methods=["GET", "POST"])
@roles_required("corporation")
def new():
    """Create a dwelling as a draft, to be submitted later."""
    form = _dwelling_form()
    status = 200
    if form.validate_on_submit():
        try:
            dwelling = create_dwelling(db_session(), data=form.service_data(),
                                       actor=current_actor())
        except ValidationFailed as error:
            show_service_errors(form, error, FIELD_MESSAGES)
            status = 422
        except Conflict as error:  # a change the database kept undoing: the input stays
            flash(describe(error), "error")
            status = 409
        else:
            flash(_("De woning is opgeslagen als concept. Draag haar voor wanneer ze klaar is."),
                  "success")
            return redirect(url_for("dwellings.show", dwelling_id=dwelling.id))
    elif request.method == "POST":
        status = 422
    return render_template("dwellings/form.html", form=form, dwelling=None), status


@blueprint.route("/corporatie/woningen/<int:dwelling_id>/bewerken", methods=["GET", "POST"])
@roles_required("corporation")
def edit(dwelling_id: int):
    """Edit a dwelling while it is a draft."""
    session = db_session()
    dwelling = own_dwelling(session, actor=current_actor(), dwelling_id=dwelling_id)
    if dwelling.state != DwellingState.DRAFT:
        flash(_("Alleen een concept kan worden gewijzigd."), "error")
        return redirect(url_for("dwellings.show", dwelling_id=dwelling_id))
    form = _dwelling_form(obj=dwelling)
    if request.method == "GET":
        form.earmarked_care_provider_ids.data = earmarked_ids(session, dwelling_id)
    status = 200
    if form.validate_on_submit():
        try:
            update_dwelling(session, dwelling_id=dwelling_id, data=form.service_data(),
                            actor=current_actor())
        except Conflict as error:
            flash(describe(error), "error")
            status = 409
        except ValidationFailed as error:
            show_service_errors(form, error, FIELD_MESSAGES)
            status = 422
        else:
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("dwellings.show", dwelling_id=dwelling_id))
    elif request.method == "POST":
        status = 422
    return render_template("dwellings/form.html", form=form, dwelling=dwelling), status


def render_dwelling(
    dwelling_id: int, *, withdraw_form: WithdrawForm | None = None,
    let_form: LetForm | None = None, status: int = 200,
):
    """The dwelling page, with a failed action's form (and its errors) when there is one."""
    detail = dwelling_detail(db_session(), actor=current_actor(), dwelling_id=dwelling_id)
    dwelling = detail.dwelling
    failed = withdraw_form or let_form  # a refused form heads the page's error summary
    extra = {"form": failed} if failed is not None and failed.errors else {}
    if let_form is None:
        let_form = LetForm(formdata=None, lease_type=dwelling.lease_type)
    return render_template(
        "dwellings/show.html", detail=detail, dwelling=dwelling,
        allowed=allowed_triggers(dwelling), action=ActionForm(),
        withdraw_form=withdraw_form or WithdrawForm(formdata=None), let_form=let_form,
        lease_id=lease_id_of_dwelling(db_session(), dwelling_id),
        may_submit=landlord_may_submit(db_session(), dwelling), **extra,
    ), status


@blueprint.get("/corporatie/woningen/<int:dwelling_id>")
@roles_required("corporation")
def show(dwelling_id: int):
    """Show one dwelling: its facts, rounds, history and what can be done now; a withdrawal
    or letting refused just now comes back with its input and errors (form_return.py)."""
    name = returned_name()
    if name in ("withdraw", "let") and (kept := take_back(str(name))) is not None:
        data, errors = kept
        if name == "withdraw":
            withdraw = restore_errors(WithdrawForm(formdata=data), errors)
            return render_dwelling(dwelling_id, withdraw_form=withdraw)
        let = restore_errors(LetForm(formdata=data), errors)
        return render_dwelling(dwelling_id, let_form=let)
    return render_dwelling(dwelling_id)


# Registers the action and upload routes on this blueprint.
from matching.web import dwelling_actions, dwelling_uploads  # noqa: E402, F401
