"""Users: the list, creating one (with a password shown once), deactivating, reactivating,
resetting a password and revoking a user's API tokens."""

from flask import abort, flash, redirect, render_template, request, url_for

from matching.queries.admin import organisation_choices, user_detail, users_page
from matching.services.errors import Conflict, ValidationFailed
from matching.services.users import (
    create_user,
    generate_password,
    reset_password,
    revoke_api_token,
    set_user_active,
    tokens_of,
)
from matching.vocabulary import ROLES_BY_KIND
from matching.web import db_session
from matching.web.admin import KIND_LABELS, blueprint, flash_problem, optional_int
from matching.web.admin_forms import UserForm
from matching.web.auth import current_actor, roles_required
from matching.web.choices import choices
from matching.web.errors import describe
from matching.web.form_errors import show_service_errors
from matching.web.i18n import ROLE_LABELS
from matching.web.i18n import text as _
from matching.web.page_helpers import page_args
from matching.web.sign_in_steps import requires_recent_sign_in

STATUSES = {"actief": True, "inactief": False}


@blueprint.get("/gebruikers")
@roles_required("admin")
def users():
    """List the users of every organisation, filtered and a page at a time."""
    actor = current_actor()
    number, size = page_args()
    role = request.args.get("rol") or None
    found = users_page(
        db_session(), actor=actor, search=request.args.get("q") or None,
        organisation_id=optional_int(request.args.get("organisatie")),
        role=role if role in ROLE_LABELS else None,
        active=STATUSES.get(request.args.get("status", "")), page=number, per_page=size,
    )
    return render_template(
        "admin/users.html", page=found, roles=ROLE_LABELS,
        # Users of a deactivated organisation are still listed, so it stays a filter choice.
        organisations=organisation_choices(db_session(), actor=actor, active_only=False),
    )


def _user_form() -> tuple[UserForm, dict[int, tuple[str, str]]]:
    """The form with the active organisations, grouped by kind, to choose from."""
    organisations = organisation_choices(db_session(), actor=current_actor())
    form = UserForm()
    # The empty "choose one" comes first, outside the <optgroup>s.
    options = choices([("", _("Kies een organisatie"))])
    for kind, label in KIND_LABELS.items():
        options += choices([(oid, name) for oid, name, of_kind in organisations
                            if of_kind == kind], group=str(label))
    form.organisation.choices = options
    return form, {oid: (name, kind) for oid, name, kind in organisations}


def _role_problem(kind: str) -> str:
    fitting = ROLES_BY_KIND.get(kind, frozenset())
    allowed = ", ".join(str(label) for role, label in ROLE_LABELS.items() if role in fitting)
    return _(
        "Deze rol past niet bij een %(kind)s. Kies uit: %(roles)s.",
        kind=KIND_LABELS.get(kind, kind), roles=allowed,
    )


def _show_user_problems(form: UserForm, error: ValidationFailed, kind: str) -> None:
    texts = {
        "email": _("Er is al een gebruiker met dit e-mailadres.")
        if "exists" in error.fields.get("email", "") else _("Dit is geen e-mailadres."),
        "organisation": _("Kies een organisatie uit de lijst."),
        "role": _role_problem(kind),
    }
    show_service_errors(form, error, texts)


@blueprint.route("/gebruikers/nieuw", methods=["GET", "POST"])
@roles_required("admin")
@requires_recent_sign_in
def new_user():
    """Create a user with a generated password, shown once."""
    form, organisations = _user_form()
    status = 200
    if form.validate_on_submit():
        name, kind = organisations[form.organisation.data]  # validated against the choices
        password = generate_password(email=form.email.data or "")
        try:
            user = create_user(
                db_session(), email=form.email.data or "", organisation_name=name,
                role=form.role.data or "", password=password,
                contingent_manager=bool(form.contingent_manager.data),
            )
        except ValidationFailed as error:
            _show_user_problems(form, error, kind)
            status = 422
        except Conflict as error:  # the same address added at the same moment: input stays
            flash(describe(error), "error")
            status = 409
        else:
            return render_template(
                "admin/password.html", email=user.email, password=password, created=True,
                user_id=user.id,
            )
    elif request.method == "POST":
        status = 422
    return render_template("admin/user_new.html", form=form), status


@blueprint.get("/gebruikers/<int:user_id>")
@roles_required("admin")
def user(user_id: int):
    """Show one user, with their API tokens and what can be done."""
    row = user_detail(db_session(), actor=current_actor(), user_id=user_id)
    return render_template(
        "admin/user.html", user=row, tokens=tokens_of(db_session(), user_id=user_id),
        is_self=row.id == current_actor().id,
    )


def _set_active(user_id: int, active: bool):
    try:
        set_user_active(db_session(), user_id=user_id, active=active, actor=current_actor())
    except ValidationFailed as error:
        if "active" in error.fields:
            flash(_("U kunt uzelf niet deactiveren."), "error")
        else:
            flash_problem(error)
    else:
        if active:
            flash(_("De gebruiker is weer actief en kan zich aanmelden."), "success")
        else:
            flash(_("De gebruiker is gedeactiveerd: afgemeld, en de API-tokens zijn "
                    "ingetrokken."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@blueprint.post("/gebruikers/<int:user_id>/deactiveren")
@roles_required("admin")
@requires_recent_sign_in
def deactivate_user(user_id: int):
    """Deactivate a user: their sessions end and their API tokens are revoked."""
    return _set_active(user_id, False)


@blueprint.post("/gebruikers/<int:user_id>/activeren")
@roles_required("admin")
@requires_recent_sign_in
def activate_user(user_id: int):
    """Let a deactivated user sign in again."""
    return _set_active(user_id, True)


@blueprint.post("/gebruikers/<int:user_id>/wachtwoord")
@roles_required("admin")
@requires_recent_sign_in
def reset_user_password(user_id: int):
    """Give a user a new generated password, shown once; their sessions end."""
    password = reset_password(db_session(), user_id=user_id, actor=current_actor())
    row = user_detail(db_session(), actor=current_actor(), user_id=user_id)
    return render_template(
        "admin/password.html", email=row.email, password=password, created=False,
        user_id=user_id,
    )


@blueprint.post("/gebruikers/<int:user_id>/tokens/<int:token_id>/intrekken")
@roles_required("admin")
@requires_recent_sign_in
def revoke_user_token(user_id: int, token_id: int):
    """Revoke one of a user's API tokens."""
    user_detail(db_session(), actor=current_actor(), user_id=user_id)  # 404 for no such user
    if all(token.id != token_id for token in tokens_of(db_session(), user_id=user_id)):
        abort(404)
    revoke_api_token(db_session(), token_id=token_id, actor=current_actor())
    flash(_("Het token is ingetrokken."), "success")
    return redirect(url_for("admin.user", user_id=user_id))
