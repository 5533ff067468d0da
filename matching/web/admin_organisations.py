"""Organisations: the list, creating one, renaming, deactivating and reactivating."""

from flask import flash, redirect, render_template, request, url_for

from matching.queries.admin import organisation_detail, organisations_page
from matching.services.administration import (
    create_organisation,
    rename_organisation,
    set_organisation_active,
)
from matching.services.errors import Conflict, ValidationFailed
from matching.web import db_session
from matching.web.admin import KIND_LABELS, blueprint, flash_problem, show_problems
from matching.web.admin_forms import OrganisationForm, RenameForm
from matching.web.auth import current_actor, roles_required
from matching.web.errors import describe
from matching.web.i18n import text as _
from matching.web.page_helpers import page_args


def _kinds() -> list[tuple[str, str]]:
    return [("", _("Kies een soort")), *((k, str(v)) for k, v in KIND_LABELS.items())]


def _list(form: OrganisationForm, status: int = 200):
    number, size = page_args()
    kind = request.args.get("soort") or None
    found = organisations_page(
        db_session(), actor=current_actor(), search=request.args.get("q") or None,
        kind=kind if kind in KIND_LABELS else None, page=number, per_page=size,
    )
    return render_template(
        "admin/organisations.html", page=found, form=form, kinds=KIND_LABELS
    ), status


@blueprint.get("/organisaties")
@roles_required("admin")
def organisations():
    """List the organisations with their kind, status and number of active users."""
    return _list(OrganisationForm(formdata=None, kinds=_kinds()))


@blueprint.post("/organisaties")
@roles_required("admin")
def create_organisation_view():
    """Create an organisation."""
    form = OrganisationForm(kinds=_kinds())
    if not form.validate():
        return _list(form, 422)
    try:
        made = create_organisation(
            db_session(), name=form.name.data or "", kind=form.kind.data or "",
            actor=current_actor(),
        )
    except ValidationFailed as error:
        show_problems(form, error)
        return _list(form, 422)
    except Conflict as error:  # a simultaneous change won: the input stays to try again
        flash(describe(error), "error")
        return _list(form, 409)
    flash(_("Organisatie %(name)s is aangemaakt.", name=made.name), "success")
    return redirect(url_for("admin.organisations"))


@blueprint.route("/organisaties/<int:organisation_id>", methods=["GET", "POST"])
@roles_required("admin")
def organisation(organisation_id: int):
    """Show an organisation, rename it, and (de)activate it."""
    found = organisation_detail(
        db_session(), actor=current_actor(), organisation_id=organisation_id
    )
    form = RenameForm(data={"name": found.name})
    status = 200
    if form.validate_on_submit():
        try:
            rename_organisation(
                db_session(), organisation_id=organisation_id, name=form.name.data or "",
                actor=current_actor(),
            )
        except ValidationFailed as error:
            show_problems(form, error)
            status = 422
        except Conflict as error:  # a simultaneous change won: the input stays
            flash(describe(error), "error")
            status = 409
        else:
            flash(_("De naam is gewijzigd."), "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation_id))
    elif request.method == "POST":
        status = 422
    return render_template(
        "admin/organisation.html", organisation=found, form=form, kinds=KIND_LABELS
    ), status


def _set_active(organisation_id: int, active: bool):
    try:
        set_organisation_active(
            db_session(), organisation_id=organisation_id, active=active, actor=current_actor()
        )
    except ValidationFailed as error:
        flash_problem(error)
    else:
        flash(_("De organisatie is weer actief.") if active
              else _("De organisatie is gedeactiveerd."), "success")
    return redirect(url_for("admin.organisation", organisation_id=organisation_id))


@blueprint.post("/organisaties/<int:organisation_id>/deactiveren")
@roles_required("admin")
def deactivate_organisation(organisation_id: int):
    """Deactivate an organisation that has no active users left."""
    return _set_active(organisation_id, False)


@blueprint.post("/organisaties/<int:organisation_id>/activeren")
@roles_required("admin")
def activate_organisation(organisation_id: int):
    """Reactivate an organisation."""
    return _set_active(organisation_id, True)
