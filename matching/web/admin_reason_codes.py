"""Reason codes: the list, adding one, editing its labels and motivation rule, and
(de)activating it. Codes are never deleted: past decisions refer to them."""

from flask import flash, redirect, render_template, request, url_for

from matching.queries.admin import reason_code_detail, reason_codes_page
from matching.services.administration import (
    create_reason_code,
    set_reason_code_active,
    update_reason_code,
)
from matching.services.errors import Conflict, ValidationFailed
from matching.web import db_session
from matching.web.admin import blueprint, show_problems
from matching.web.admin_forms import REASON_KIND_LABELS, ReasonCodeForm, ReasonLabelsForm
from matching.web.auth import current_actor, roles_required
from matching.web.errors import describe
from matching.web.i18n import text as _
from matching.web.page_helpers import page_args


@blueprint.get("/redencodes")
@roles_required("admin")
def reason_codes():
    """List the reason codes of landlords and candidates, active and inactive."""
    number, size = page_args()
    kind = request.args.get("soort") or None
    found = reason_codes_page(
        db_session(), actor=current_actor(),
        kind=kind if kind in REASON_KIND_LABELS else None, page=number, per_page=size,
    )
    return render_template("admin/reason_codes.html", page=found, kinds=REASON_KIND_LABELS)


@blueprint.route("/redencodes/nieuw", methods=["GET", "POST"])
@roles_required("admin")
def new_reason_code():
    """Add a reason code."""
    form = ReasonCodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            made = create_reason_code(
                db_session(), code=(form.code.data or "").strip(), kind=form.kind.data or "",
                label_nl=form.label_nl.data or "", label_en=form.label_en.data or "",
                needs_motivation=bool(form.needs_motivation.data),
                vera_status=form.vera_status.data or None, actor=current_actor(),
            )
        except ValidationFailed as error:
            show_problems(form, error)
            status = 422
        except Conflict as error:  # the same code added at the same moment: input stays
            flash(describe(error), "error")
            status = 409
        else:
            flash(_("Redencode %(code)s is toegevoegd.", code=made.code), "success")
            return redirect(url_for("admin.reason_codes"))
    elif request.method == "POST":
        status = 422
    return render_template("admin/reason_code_new.html", form=form), status


# Under /wijzigen, so a code named "nieuw" cannot hide behind the page for a new code.
@blueprint.route("/redencodes/<code>/wijzigen", methods=["GET", "POST"])
@roles_required("admin")
def reason_code(code: str):
    """Edit a reason code's labels, motivation rule and VERA status."""
    found = reason_code_detail(db_session(), actor=current_actor(), code=code)
    form = ReasonLabelsForm(obj=found)
    status = 200
    if form.validate_on_submit():
        try:
            update_reason_code(
                db_session(), code=code, label_nl=form.label_nl.data or "",
                label_en=form.label_en.data or "",
                needs_motivation=bool(form.needs_motivation.data),
                vera_status=form.vera_status.data or None, actor=current_actor(),
            )
        except ValidationFailed as error:
            show_problems(form, error)
            status = 422
        except Conflict as error:  # a simultaneous change won: the input stays
            flash(describe(error), "error")
            status = 409
        else:
            flash(_("Redencode %(code)s is gewijzigd.", code=code), "success")
            return redirect(url_for("admin.reason_codes"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "admin/reason_code.html", reason=found, form=form, kinds=REASON_KIND_LABELS
    ), status


def _set_active(code: str, active: bool):
    set_reason_code_active(db_session(), code=code, active=active, actor=current_actor())
    if active:
        flash(_("Redencode %(code)s is weer te kiezen.", code=code), "success")
    else:
        flash(_("Redencode %(code)s is niet meer te kiezen; eerdere besluiten houden haar.",
                code=code), "success")
    return redirect(url_for("admin.reason_code", code=code))


@blueprint.post("/redencodes/<code>/deactiveren")
@roles_required("admin")
def deactivate_reason_code(code: str):
    """Withdraw a reason code from new decisions."""
    return _set_active(code, False)


@blueprint.post("/redencodes/<code>/activeren")
@roles_required("admin")
def activate_reason_code(code: str):
    """Offer a reason code again for new decisions."""
    return _set_active(code, True)
