"""The second factor in the browser: the code asked after the password, confirming one's
password (and code) again before exports and user management, and keeping an administrator
without a second factor on the page that sets one up. Setting it up lives in
two_factor_setup.py, which adds its routes to this blueprint.
"""

from datetime import timedelta
from math import ceil

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, logout_user

from matching.models import User
from matching.services.sessions import SignInRefused, sign_in, sign_out, user_for_session
from matching.services.two_factor import (
    SecondFactorRefused,
    check_second_factor,
    has_second_factor,
)
from matching.vocabulary import Role, utcnow
from matching.web import db_session
from matching.web.auth import _safe_next, current_actor, roles_required, start_session
from matching.web.i18n import text as _
from matching.web.sign_in_steps import forget_held_sign_in, held_sign_in
from matching.web.two_factor_forms import AppCodeForm, ConfirmForm, RecoveryCodeForm

blueprint = Blueprint("two_factor", __name__)

EVERYONE = ("corporation", "matcher", "care_provider", "analyst", "admin")

# What an administrator without a second factor can still reach: setting one up, confirming
# the password for it, signing out and switching the language.
_OPEN_WHILE_ENROLLING = frozenset({
    "two_factor.enrol", "two_factor.confirm", "auth.logout", "auth.switch_language",
    "static", "health.health",
})


def refusal_text(refused: SecondFactorRefused) -> str:
    """What to tell a user whose code was refused."""
    if refused.reason != "throttled":
        return _("Deze code klopt niet of is al gebruikt.")
    wait = refused.wait or timedelta(0)
    if wait <= timedelta(minutes=2):
        seconds = max(1, round(wait.total_seconds()))
        return _("Te veel onjuiste codes. Probeer het over %(n)s seconden opnieuw.", n=seconds)
    minutes = round(wait.total_seconds() / 60)
    return _("Te veel onjuiste codes. Probeer het over %(n)s minuten opnieuw.", n=minutes)


def _status(refused: SecondFactorRefused) -> int:
    return 429 if refused.reason == "throttled" else 401


@blueprint.route("/aanmelden/code", methods=["GET", "POST"])
def second_step():
    """Ask for the code from the app (or a recovery code) after the right password."""
    held = held_sign_in()
    if held is None:
        _end_held_session()
        flash(_("Meld u opnieuw aan."), "info")
        return redirect(url_for("auth.login"))
    app_form, recovery_form = AppCodeForm(), RecoveryCodeForm()
    used = recovery_form if "recovery_code" in request.form else app_form
    field = recovery_form.recovery_code if used is recovery_form else app_form.code
    status = 200
    headers = {}
    if used.validate_on_submit():
        now = utcnow()
        try:
            check_second_factor(db_session(), user_id=held.user_id, code=field.data or "",
                                now=now)
        except SecondFactorRefused as refused:
            field.errors = [refusal_text(refused)]
            status = _status(refused)
            if refused.wait:
                headers["Retry-After"] = str(ceil(refused.wait.total_seconds()))
        else:
            user = user_for_session(db_session(), session_id=held.session_id, now=now)
            if user is None or user.id != held.user_id:  # ended meanwhile: ask again
                forget_held_sign_in()
                flash(_("Meld u opnieuw aan."), "info")
                return redirect(url_for("auth.login"))
            start_session(user, held.session_id)  # also forgets the held sign-in
            return redirect(_safe_next(held.next_page) or url_for("health.home"))
    elif request.method == "POST":
        status = 422
    # The form refused just now heads the page's error summary (base.html reads `form`).
    summary = {"form": used} if used.errors else {}
    return render_template("two_factor/second_step.html", app_form=app_form,
                           recovery_form=recovery_form,
                           recovery_open=used is recovery_form and bool(field.errors),
                           **summary), status, headers


@blueprint.post("/aanmelden/code/annuleren")
def cancel_second_step():
    """Give up signing in halfway: the session the password opened ends."""
    _end_held_session()
    return redirect(url_for("auth.login"))


def _end_held_session() -> None:
    session_id = forget_held_sign_in()
    if session_id:
        sign_out(db_session(), session_id=session_id, now=utcnow())


@blueprint.route("/bevestigen", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def confirm():
    """Confirm one's password (and code) to open exports and user management for a while."""
    user = current_actor()
    assert user.id is not None
    needs_code = has_second_factor(db_session(), user_id=user.id)
    form = ConfirmForm()
    status = 200
    if form.validate_on_submit():
        if needs_code and not form.code.data:
            form.code.errors = [_("Vul de code in.")]
            status = 422
        else:
            status = _reconfirm(form, user, needs_code)
            if status == 302:
                return redirect(_safe_next(request.args.get("next")) or url_for("health.home"))
    elif request.method == "POST":
        status = 422
    return render_template("two_factor/confirm.html", form=form, needs_code=needs_code), status


def _reconfirm(form: ConfirmForm, user: User, needs_code: bool) -> int:
    """Check the password through the sign-in (and its brake on guessing), then the code;
    on success move the browser to the fresh session, so the confirmation also renews the
    session id. Return 302 on success, else the status of the refusal."""
    now = utcnow()
    try:
        fresh = sign_in(db_session(), email=user.email, password=form.password.data or "",
                        remote_addr=request.remote_addr or "-", now=now)[1]
    except SignInRefused as refused:
        if refused.reason == "invalid":
            form.password.errors = [_("Dit is niet uw wachtwoord.")]
            return 401
        wait = getattr(refused, "retry_after", None) or 1
        # The sign-in page's own words for its brake.
        form.password.errors = [ngettext(
            "Te veel mislukte pogingen. Probeer het over %(num)s seconde opnieuw.",
            "Te veel mislukte pogingen. Probeer het over %(num)s seconden opnieuw.", wait)]
        return 429
    if needs_code:
        try:
            check_second_factor(db_session(), user_id=current_user.id,
                                code=form.code.data or "", now=now)
        except SecondFactorRefused as refused:
            sign_out(db_session(), session_id=fresh, now=now)
            form.code.errors = [refusal_text(refused)]
            return _status(refused)
    sign_out(db_session(), session_id=current_user.session_id, now=now)
    logout_user()
    start_session(user, fresh)
    return 302


@blueprint.before_app_request
def keep_administrators_on_enrolment():
    """An administrator without a second factor can only set one up (or sign out)."""
    if request.endpoint in _OPEN_WHILE_ENROLLING or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated or current_user.role != Role.ADMIN:
        return None
    if has_second_factor(db_session(), user_id=current_user.id):
        return None
    return redirect(url_for("two_factor.enrol"))


from matching.web import two_factor_setup  # noqa: E402, F401  (adds the set-up routes)
