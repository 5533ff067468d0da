"""Administrators sign in with a second factor: test users get one with a known secret, and
the sign-in helpers type the code an authenticator app would show."""

import pyotp
from sqlalchemy import update
from sqlalchemy.orm import object_session
from sqlmodel import Session

from matching.models import SecondFactor, User
from matching.vocabulary import utcnow

# Any base32 secret does; a known one lets a test compute the app's code.
KNOWN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol(session: Session, user: User, secret: str = KNOWN_SECRET) -> None:
    """Give `user` a confirmed authenticator app with `secret`."""
    assert user.id is not None
    session.add(SecondFactor(user_id=user.id, secret=secret, confirmed_at=utcnow()))
    session.commit()


def code_now(secret: str = KNOWN_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def fresh_code(user: User) -> str:
    """The app's code now, usable even when this user signed in earlier in the same
    30 seconds (which a test does and a person does not): the used step is forgotten."""
    session = object_session(user)
    assert isinstance(session, Session), "the user must come from a test's session"
    session.execute(update(SecondFactor).where(SecondFactor.user_id == user.id)  # type: ignore[arg-type]
                    .values(last_used_step=None))
    session.commit()
    factor = session.get(SecondFactor, user.id)
    assert factor is not None
    return code_now(factor.secret)
