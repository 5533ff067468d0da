"""Sign-in, sign-out, the profile page (password, API tokens) and the language switch.

The session cookie holds only the id of a server-side session record (see
services/sessions.py), so signing out, a password change or a deactivation really ends it.
"""

from datetime import timedelta
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import ngettext
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from matching.models import User
from matching.services.errors import NotFound, ValidationFailed
from matching.services.notifications import set_language
from matching.services.passwords import MIN_PASSWORD_LENGTH
from matching.services.sessions import SignInRefused, live_session, sign_in, sign_out
from matching.services.two_factor import has_second_factor
from matching.services.users import (
    change_password,
    create_api_token,
    revoke_api_token,
    tokens_of,
)
from matching.vocabulary import utcnow
from matching.web import db_session
from matching.web.form_errors import show_service_errors
from matching.web.i18n import LANGUAGES
from matching.web.i18n import lazy_text as _l
from matching.web.i18n import text as _
from matching.web.next_page import safe_next_page
from matching.web.notification_bell import counted_already
from matching.web.password_messages import password_problem_text
from matching.web.sign_in_steps import hold_sign_in, note_confirmed

blueprint = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Meld u aan om deze pagina te zien.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


class SignedIn(UserMixin):
    """The signed-in user for Flask-Login: the user row plus the server-side session id."""

    def __init__(self, user: User, session_id: str) -> None:
        self.user = user
        self.session_id = session_id

    def get_id(self) -> str:
        return self.session_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self.user, name)


@login_manager.user_loader
def _load(session_id: str) -> SignedIn | None:
    idle = timedelta(minutes=current_app.config.get("MATCHING_IDLE_MINUTES", 30))
    absolute = timedelta(hours=current_app.config.get("MATCHING_SESSION_HOURS", 12))
    live = live_session(db_session(), session_id=session_id, now=utcnow(), idle=idle,
                        absolute=absolute)
    if live is None:
        return None
    # The bell's number came with the lookup: a statement less on every page.
    counted_already(live.unread_notifications)
    return SignedIn(live.user, session_id)


def current_actor() -> User:
    """The user row of the signed-in user, as the services expect their `actor`."""
    user: User = current_user.user
    return user


def roles_required(*roles: str):
    """Let only signed-in users with one of `roles` through; others get a 403 page."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


class ActionForm(FlaskForm):
    """A body-less form: an action button that carries a CSRF token."""


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Huidig wachtwoord"), validators=[DataRequired()])
    # The policy (length, known passwords, the e-mail) is the service's, with its reasons.
    new_password = PasswordField(
        _l("Nieuw wachtwoord"), validators=[DataRequired()],
        description=_l("Minimaal %(n)s tekens; een zin van een paar woorden is goed. Geen "
                       "bekend wachtwoord en niet uw e-mailadres. Na het wijzigen wordt u "
                       "overal afgemeld.", n=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[DataRequired(), EqualTo("new_password", _l("De wachtwoorden verschillen."))],
    )


def home_endpoint(role: str) -> str:
    """Where each role starts after signing in."""
    return {
        "corporation": "dwellings.quarter",
        "matcher": "matcher.queue",
        "care_provider": "clients.index",
        "analyst": "reports.index",
        "admin": "admin.users",
    }.get(role, "health.home")


def _safe_next(target: str | None) -> str | None:
    # Only paths on this site, never another host, however a browser reads them.
    return safe_next_page(target)


def start_session(user: User, session_id: str) -> None:
    """Let the browser into the server-side session `session_id`, with a fresh cookie."""
    # The language chosen before signing in, else the one the user last chose.
    language = session.get("lang") or user.language
    session.clear()  # no session fixation: a fresh cookie for the signed-in user
    if language in LANGUAGES:
        session["lang"] = language
    login_user(SignedIn(user, session_id))
    note_confirmed()  # signing in confirms the password (and second factor) just now


@blueprint.route("/aanmelden", methods=["GET", "POST"])
def login():
    """Sign in with e-mail address and password."""
    form = LoginForm()
    status = 200
    headers: dict[str, str] = {}
    # Checked before anything is written: a bad `next` leads home, never to a 500 afterwards.
    target = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        try:
            user, session_id = sign_in(
                db_session(),
                email=form.email.data or "",
                password=form.password.data or "",
                remote_addr=request.remote_addr or "-",
                now=utcnow(),
            )
        except SignInRefused as refused:
            if refused.reason == "throttled":
                wait = refused.retry_after or 1
                flash(ngettext(
                    "Te veel mislukte pogingen. Probeer het over %(num)s seconde opnieuw.",
                    "Te veel mislukte pogingen. Probeer het over %(num)s seconden opnieuw.",
                    wait), "error")
                status = 429
                headers["Retry-After"] = str(wait)
            else:
                flash(_("Dit e-mailadres en wachtwoord horen niet bij elkaar."), "error")
                status = 401
        else:
            if has_second_factor(db_session(), user_id=user.id):
                # The password was right; the session opens after the second factor.
                hold_sign_in(user_id=user.id, session_id=session_id, next_page=target)
                return redirect(url_for("two_factor.second_step"))
            start_session(user, session_id)
            return redirect(target or url_for("health.home"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status, headers


@blueprint.post("/afmelden")
def logout():
    """Sign out: the server-side session ends, so the old cookie opens nothing."""
    if current_user.is_authenticated:
        sign_out(db_session(), session_id=current_user.session_id, now=utcnow())
    logout_user()
    session.clear()
    flash(_("U bent afgemeld."), "info")
    return redirect(url_for("auth.login"))


@blueprint.post("/taal")
def switch_language():
    """Switch between Dutch and English for this browser session, and for a signed-in user's
    e-mail and next sign-in too."""
    chosen = request.form.get("lang", "")
    target = _safe_next(request.form.get("next"))  # checked before the choice is stored
    if chosen in LANGUAGES:
        session["lang"] = chosen
        if current_user.is_authenticated:
            set_language(db_session(), actor=current_actor(), language=chosen)
    return redirect(target or url_for("health.home"))


@blueprint.route("/profiel", methods=["GET", "POST"])
@roles_required("corporation", "matcher", "care_provider", "analyst", "admin")
def profile():
    """Change one's password and manage one's API tokens."""
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            change_password(
                db_session(),
                user_id=current_user.id,
                current_password=form.current_password.data or "",
                new_password=form.new_password.data or "",
            )
        except ValidationFailed as error:
            show_service_errors(form, error, {
                "current_password": _("Dit is niet uw huidige wachtwoord."),
                "new_password": password_problem_text,
            })
            status = 422
        else:
            logout_user()
            session.clear()
            flash(_("Uw wachtwoord is gewijzigd. Meld u opnieuw aan."), "info")
            return redirect(url_for("auth.login"))
    elif request.method == "POST":
        status = 422
    tokens = tokens_of(db_session(), user_id=current_user.id)
    return render_template(
        "auth/profile.html", form=form, tokens=tokens, action=ActionForm(), new_token=None
    ), status


@blueprint.post("/profiel/tokens")
@roles_required("corporation", "matcher", "care_provider", "analyst", "admin")
def create_token():
    """Create an API token and show it once."""
    token = create_api_token(db_session(), user=current_actor())
    tokens = tokens_of(db_session(), user_id=current_user.id)
    return render_template(
        "auth/profile.html", form=PasswordForm(formdata=None), tokens=tokens,
        action=ActionForm(), new_token=token,
    )


@blueprint.post("/profiel/tokens/<int:token_id>/intrekken")
@roles_required("corporation", "matcher", "care_provider", "analyst", "admin")
def revoke_token(token_id: int):
    """Revoke one of one's API tokens."""
    try:
        revoke_api_token(db_session(), token_id=token_id, actor=current_actor())
    except NotFound:
        abort(404)
    flash(_("Het token is ingetrokken."), "info")
    return redirect(url_for("auth.profile"))
