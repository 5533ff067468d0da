"""Users and API tokens. Passwords are stored as argon2 hashes, tokens as sha256 digests."""

import contextlib
import functools
import hashlib
import re
import secrets
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlmodel import Session, col, select

from matching.access import require_role
from matching.models import ApiToken, Organisation, User
from matching.services.errors import NotFound, ValidationFailed
from matching.services.passwords import password_problem
from matching.services.unit_of_work import commit, get_or_404, keep_loaded, service
from matching.vocabulary import ROLES_BY_KIND, Role, utcnow

_hasher = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.cache
def _throwaway_hash() -> str:
    return _hasher.hash(secrets.token_hex(16))


def spend_a_password_check(password: str) -> None:
    """Verify `password` against a throw-away hash: as slow as a real check, never true."""
    with contextlib.suppress(VerificationError):
        _hasher.verify(_throwaway_hash(), password)


def verify_password(user: User, password: str) -> bool:
    """Return whether `password` is the user's password."""
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except VerificationError:
        return False


def generate_password(*, email: str = "") -> str:
    """Return a random password of 20 characters that the policy accepts for `email`."""
    while True:
        # A random one fails the policy only by chance (say, holding a short name part).
        password = secrets.token_urlsafe(15)
        if password_problem(password, email=email) is None:
            return password


@service
def create_user(
    session: Session,
    *,
    email: str,
    organisation_name: str,
    role: str,
    password: str,
    contingent_manager: bool = False,
    now: datetime | None = None,
    password_hash: str | None = None,
) -> User:
    """Create a user of an organisation with a role that fits the organisation's kind
    (`password_hash`: the hash of `password` made already, as for many users sharing one
    password, since each argon2 hash takes a deliberate half second)."""
    email = email.strip().lower()
    problems: dict[str, str] = {}
    if not _EMAIL.match(email):
        problems["email"] = "not an e-mail address"
    elif session.exec(select(User).where(User.email == email)).first() is not None:
        problems["email"] = "a user with this e-mail address exists already"
    organisation = session.exec(
        select(Organisation).where(Organisation.name == organisation_name)
    ).first()
    if organisation is None:
        problems["organisation"] = f"no organisation named '{organisation_name}'"
    elif role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        allowed = ", ".join(sorted(ROLES_BY_KIND.get(organisation.kind, frozenset())))
        problems["role"] = f"a {organisation.kind} user may have role {allowed}, not '{role}'"
    password_refused = password_problem(password, email=email)
    if password_refused:
        problems["password"] = password_refused
    if problems:
        raise ValidationFailed(problems)
    assert organisation is not None and organisation.id is not None
    user = User(
        email=email,
        organisation_id=organisation.id,
        role=role,
        password_hash=password_hash or hash_password(password),
        contingent_manager=contingent_manager,
        created_at=now or utcnow(),
    )
    session.add(user)
    commit(session)
    return user


def user_by_email(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFound(f"no user with e-mail address '{email}'")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@service
def create_api_token(session: Session, *, user: User, now: datetime | None = None) -> str:
    """Create a new API token for `user`; only its digest is stored, so show it once."""
    token = "mt_" + secrets.token_urlsafe(32)
    assert user.id is not None
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), created_at=now or utcnow()))
    commit(session)
    return token


def user_for_token(session: Session, token: str) -> Any:
    """Return the active user a bearer token belongs to, or None.

    One statement for every API request: the token's digest (a unique index) joined to its
    user and the user's organisation, which many services look up by id next (the
    session's identity map then answers them without a query)."""
    found = session.exec(
        select(User, Organisation)
        .join(ApiToken, col(ApiToken.user_id) == col(User.id))
        .join(Organisation, col(Organisation.id) == col(User.organisation_id))
        .where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at == None)  # noqa: E711
    ).first()
    if found is None:
        return None
    user, organisation = found
    keep_loaded(session, organisation)
    return user if user.active else None


def _check_new_password(password: str, *, email: str) -> None:
    problem = password_problem(password, email=email)
    if problem:
        raise ValidationFailed({"new_password": problem})


@service
def change_password(
    session: Session, *, user_id: int, current_password: str, new_password: str,
    now: datetime | None = None,
) -> None:
    """Change one's own password; every session of the user ends with it."""
    from matching.services.sessions import end_all_sessions

    user = get_or_404(session, User, user_id)
    if not verify_password(user, current_password):
        raise ValidationFailed({"current_password": "this is not your current password"})
    _check_new_password(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    end_all_sessions(session, user_id=user_id, now=now or utcnow())
    commit(session)


def _administered_user(session: Session, user_id: int, actor: Any) -> User:
    require_role(actor, Role.ADMIN)
    return get_or_404(session, User, user_id)


@service
def set_user_active(
    session: Session, *, user_id: int, active: bool, actor: Any, now: datetime | None = None
) -> User:
    """Deactivate (ending sessions and tokens) or reactivate a user; administrators only."""
    from matching.services.sessions import end_all_sessions

    user = _administered_user(session, user_id, actor)
    if not active and user.id == actor.id:
        raise ValidationFailed({"active": "you cannot deactivate yourself"})
    user.active = active
    if not active:
        moment = now or utcnow()
        end_all_sessions(session, user_id=user_id, now=moment)
        for token in session.exec(
            select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at == None)  # noqa: E711
        ):
            token.revoked_at = moment
    commit(session)
    return user


@service
def reset_password(
    session: Session, *, user_id: int, actor: Any, now: datetime | None = None
) -> str:
    """Give a user a new generated password, ending their sessions; return it to show once."""
    from matching.services.sessions import end_all_sessions

    user = _administered_user(session, user_id, actor)
    password = generate_password(email=user.email)
    user.password_hash = hash_password(password)
    end_all_sessions(session, user_id=user_id, now=now or utcnow())
    commit(session)
    return password


def tokens_of(session: Session, *, user_id: int) -> list[ApiToken]:
    """The user's API tokens, newest first (digests only; a token is shown once)."""
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())  # type: ignore[union-attr]
        )
    )


@service
def revoke_api_token(
    session: Session, *, token_id: int, actor: Any, now: datetime | None = None
) -> None:
    """Revoke one of the actor's own tokens (an administrator may revoke anyone's)."""
    token = get_or_404(session, ApiToken, token_id)
    if token.user_id != actor.id and actor.role != Role.ADMIN:
        raise NotFound(f"token {token_id} not found")
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
    commit(session)
