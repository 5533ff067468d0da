"""Where a browser's sign-in stands, kept in its signed session cookie: a password accepted
and waiting for the second factor, and the moment the user last proved who they are, which
exports and user management ask to be recent (ASVS 4.0.3 3.7.1: re-authenticate before
sensitive actions).

A sign-in held for the second factor is not signed in: Flask-Login only knows the session
once `auth.start_session` lets the browser in, and the cookie cannot be forged without the
secret key.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user

from matching.vocabulary import utcnow
from matching.web.i18n import text as _

# How long a confirmation of the password (and second factor) counts as recent.
RECENT = timedelta(minutes=15)
# How long the second step of a sign-in may take before the password is asked again.
SECOND_STEP_TIME = timedelta(minutes=5)

_CONFIRMED = "confirmed_at"
_HELD = "held_sign_in"

F = TypeVar("F", bound=Callable[..., Any])


def _seconds_now() -> int:
    return int(utcnow().timestamp())


def note_confirmed() -> None:
    """Remember that the user proved who they are just now."""
    session[_CONFIRMED] = _seconds_now()


def confirmed_recently() -> bool:
    confirmed = session.get(_CONFIRMED)
    if not isinstance(confirmed, int):
        return False
    return 0 <= _seconds_now() - confirmed <= RECENT.total_seconds()


@dataclass(frozen=True)
class HeldSignIn:
    """A sign-in whose password was right, waiting for the code of the second factor."""

    user_id: int
    session_id: str
    next_page: str | None


def hold_sign_in(*, user_id: int, session_id: str, next_page: str | None) -> None:
    session[_HELD] = {"user": user_id, "session": session_id, "next": next_page,
                      "since": _seconds_now()}


def held_sign_in() -> HeldSignIn | None:
    """The sign-in waiting for its second factor, unless there is none or it took too long."""
    held = session.get(_HELD)
    if not isinstance(held, dict):
        return None
    if not 0 <= _seconds_now() - held.get("since", 0) <= SECOND_STEP_TIME.total_seconds():
        return None
    return HeldSignIn(held["user"], held["session"], held.get("next"))


def forget_held_sign_in() -> str | None:
    """Drop the held sign-in; return its server-side session id, to end it."""
    held = session.pop(_HELD, None)
    return held.get("session") if isinstance(held, dict) else None


def _way_back() -> str | None:
    """The page to return to after confirming: this one for a page, and for a form sent
    (whose contents cannot survive the detour) the page that showed the form."""
    if request.method == "GET":
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def requires_recent_sign_in(view: F) -> F:
    """Let a signed-in user through only when they confirmed their password (and second
    factor) in the last quarter of an hour; send others to confirm it, and back."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if confirmed_recently():
            return view(*args, **kwargs)
        if request.method == "GET":
            flash(_("Bevestig uw wachtwoord om verder te gaan."), "info")
        else:
            flash(_("Bevestig eerst uw wachtwoord en probeer het dan opnieuw."), "info")
        return redirect(url_for("two_factor.confirm", next=_way_back()))

    guarded.requires_recent_sign_in = True  # type: ignore[attr-defined]
    return cast(F, guarded)
