"""Setting up the second factor from the profile: the secret as a QR code and as text, the
first code that turns it on, recovery codes shown once, new recovery codes, turning it off
(not for administrators), and an administrator turning off another user's lost factor.

Each of these changes how someone signs in, so each asks for a recent sign-in: a stolen,
unattended session cannot put the thief's phone on the account (ASVS 4.0.3 2.5.x, 3.7.1).
"""

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.two_factor import (
    SecondFactorRefused,
    SecondFactorStatus,
    authenticator_uri,
    confirm_enrolment,
    remove_second_factor,
    renew_recovery_codes,
    second_factor_status,
    start_enrolment,
)
from matching.vocabulary import Role, utcnow
from matching.web import db_session
from matching.web.auth import ActionForm, current_actor, roles_required
from matching.web.i18n import text as _
from matching.web.sign_in_steps import requires_recent_sign_in
from matching.web.two_factor import EVERYONE, blueprint, refusal_text
from matching.web.two_factor_forms import AppCodeForm


@blueprint.app_template_global("second_factor_status")
def _status_for_templates(user_id: int) -> SecondFactorStatus:
    """Whether a user has a second factor, for the profile and the administrator's pages."""
    return second_factor_status(db_session(), user_id=user_id)


def _qr_svg(uri: str) -> Markup:
    """The address as an inline SVG QR code (inline: the pages allow no data: images)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, title=_("QR-code om in uw app te scannen"), svgclass="qr-code", lineclass=None,
    )
    return Markup(svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1)
                  .replace("<title>", '<title id="qr-title">', 1))


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@blueprint.route("/profiel/tweestapsverificatie", methods=["GET", "POST"])
@roles_required(*EVERYONE)
@requires_recent_sign_in
def enrol():
    """Show the state of one's second factor, or set one up with a first code."""
    user = current_actor()
    assert user.id is not None
    status = second_factor_status(db_session(), user_id=user.id)
    if status.enrolled:
        return render_template("two_factor/status.html", status=status, action=ActionForm())
    secret = start_enrolment(db_session(), user_id=user.id, now=utcnow())
    form = AppCodeForm()
    answer = 200
    if form.validate_on_submit():
        try:
            codes = confirm_enrolment(db_session(), user_id=user.id, code=form.code.data or "",
                                      now=utcnow())
        except SecondFactorRefused as refused:
            form.code.errors = [refusal_text(refused)]
            answer = 429 if refused.reason == "throttled" else 422
        else:
            return render_template("two_factor/recovery_codes.html", codes=codes, first=True)
    elif request.method == "POST":
        answer = 422
    uri = authenticator_uri(secret, user.email)
    return render_template(
        "two_factor/enrol.html", form=form, secret=_grouped(secret), qr=_qr_svg(uri),
        required=user.role == Role.ADMIN,
    ), answer


@blueprint.post("/profiel/tweestapsverificatie/herstelcodes")
@roles_required(*EVERYONE)
@requires_recent_sign_in
def renew_codes():
    """Replace one's recovery codes by a fresh set, shown once."""
    try:
        codes = renew_recovery_codes(db_session(), user_id=current_user.id, now=utcnow())
    except ValidationFailed:
        return redirect(url_for("two_factor.enrol"))
    return render_template("two_factor/recovery_codes.html", codes=codes, first=False)


@blueprint.post("/profiel/tweestapsverificatie/uitzetten")
@roles_required(*EVERYONE)
@requires_recent_sign_in
def turn_off():
    """Turn one's own second factor off (administrators must keep theirs)."""
    try:
        remove_second_factor(db_session(), user_id=current_user.id, actor=current_actor(),
                             now=utcnow())
    except ValidationFailed:
        flash(_("Als beheerder heeft u tweestapsverificatie nodig; u kunt die niet "
                "uitzetten."), "error")
    else:
        flash(_("Tweestapsverificatie staat uit. U meldt zich voortaan aan met alleen uw "
                "wachtwoord."), "success")
    return redirect(url_for("auth.profile"))


@blueprint.post("/beheer/gebruikers/<int:user_id>/tweestapsverificatie/uitzetten")
@roles_required("admin")
@requires_recent_sign_in
def reset_for_user(user_id: int):
    """Turn off the second factor of a user who lost their phone and recovery codes; they
    are signed out everywhere (an administrator then sets it up again at sign-in)."""
    try:
        remove_second_factor(db_session(), user_id=user_id, actor=current_actor(),
                             now=utcnow())
    except NotFound:
        abort(404)
    except (PermissionDenied, ValidationFailed):
        abort(403)
    flash(_("Tweestapsverificatie staat uit voor deze gebruiker, die overal is afgemeld."),
          "success")
    return redirect(url_for("admin.user", user_id=user_id))
