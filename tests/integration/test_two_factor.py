"""The second factor service: enrolment, codes from the app, replay, recovery codes and the
brake on guessing, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import Session

from matching.models import SecondFactor, User
from matching.services.errors import ValidationFailed
from matching.services.two_factor import (
    FREE_WRONG_CODES,
    SecondFactorRefused,
    check_second_factor,
    confirm_enrolment,
    has_second_factor,
    remove_second_factor,
    renew_recovery_codes,
    second_factor_status,
    start_enrolment,
    wait_after,
)
from tests.factories import make_user
from tests.races import race_in_sessions

NOW = datetime(2026, 1, 13, 9, 0, 5, tzinfo=UTC)


def _code(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _enrolled(session: Session, role: str = "care_provider") -> tuple[User, str, list[str]]:
    user = make_user(session, "Het Vierde Huis" if role == "admin" else "Lister", role)
    secret = start_enrolment(session, user_id=user.id, now=NOW)
    codes = confirm_enrolment(session, user_id=user.id, code=_code(secret, NOW), now=NOW)
    return user, secret, codes


def test_enrolment_takes_effect_only_after_a_right_code_from_the_app(reference: Session):
    user = make_user(reference, "Lister", "care_provider")
    secret = start_enrolment(reference, user_id=user.id, now=NOW)
    assert start_enrolment(reference, user_id=user.id, now=NOW) == secret  # page shown again
    with pytest.raises(SecondFactorRefused):
        confirm_enrolment(reference, user_id=user.id, code=_wrong(_code(secret, NOW)), now=NOW)
    assert not has_second_factor(reference, user_id=user.id)

    codes = confirm_enrolment(reference, user_id=user.id, code=_code(secret, NOW), now=NOW)

    assert has_second_factor(reference, user_id=user.id)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert second_factor_status(reference, user_id=user.id).recovery_codes_left == 10
    with pytest.raises(ValidationFailed):
        start_enrolment(reference, user_id=user.id, now=NOW)  # a set-up factor is not replaced


def test_recovery_codes_are_stored_hashed(reference: Session):
    from sqlmodel import select

    from matching.models import RecoveryCode

    user, _, codes = _enrolled(reference)
    stored = [row.code_hash for row in reference.exec(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id))]
    assert len(stored) == len(codes)
    for code in codes:
        assert all(code.replace("-", "") not in digest and code not in digest
                   for digest in stored)


def test_a_code_from_the_app_is_accepted_once_and_never_replayed(reference: Session):
    user, secret, _ = _enrolled(reference)
    later = NOW + timedelta(seconds=60)
    code = _code(secret, later)
    assert check_second_factor(reference, user_id=user.id, code=code, now=later) == "app"
    with pytest.raises(SecondFactorRefused) as refused:
        check_second_factor(reference, user_id=user.id, code=code, now=later + timedelta(seconds=5))
    assert refused.value.reason == "invalid"


def test_an_older_code_is_refused_once_a_later_one_was_used(reference: Session):
    user, secret, _ = _enrolled(reference)
    later = NOW + timedelta(seconds=60)
    check_second_factor(reference, user_id=user.id, code=_code(secret, later), now=later)
    previous = _code(secret, later - timedelta(seconds=30))  # still within the drift window
    with pytest.raises(SecondFactorRefused):
        check_second_factor(reference, user_id=user.id, code=previous, now=later)


def test_the_enrolment_code_itself_cannot_be_used_again_to_sign_in(reference: Session):
    user, secret, _ = _enrolled(reference)
    with pytest.raises(SecondFactorRefused):
        check_second_factor(reference, user_id=user.id, code=_code(secret, NOW), now=NOW)


def test_a_code_of_a_phone_a_step_behind_or_ahead_is_accepted_but_not_two_steps(
    reference: Session,
):
    user, secret, _ = _enrolled(reference)
    moment = NOW + timedelta(minutes=5)
    with pytest.raises(SecondFactorRefused):
        check_second_factor(reference, user_id=user.id,
                            code=_code(secret, moment - timedelta(seconds=60)), now=moment)
    assert check_second_factor(reference, user_id=user.id,
                               code=_code(secret, moment - timedelta(seconds=30)),
                               now=moment) == "app"
    assert check_second_factor(reference, user_id=user.id,
                               code=_code(secret, moment + timedelta(seconds=30)),
                               now=moment) == "app"


def test_a_recovery_code_works_once_in_any_spelling(reference: Session):
    user, _, codes = _enrolled(reference)
    typed = codes[3].replace("-", " ").lower()
    assert check_second_factor(reference, user_id=user.id, code=typed, now=NOW) == "recovery_code"
    assert second_factor_status(reference, user_id=user.id).recovery_codes_left == 9
    with pytest.raises(SecondFactorRefused):
        check_second_factor(reference, user_id=user.id, code=codes[3], now=NOW)


def test_another_users_recovery_code_opens_nothing(reference: Session):
    user, _, _ = _enrolled(reference)
    _, _, their_codes = _enrolled(reference)
    with pytest.raises(SecondFactorRefused):
        check_second_factor(reference, user_id=user.id, code=their_codes[0], now=NOW)


def test_renewed_recovery_codes_replace_the_old_ones(reference: Session):
    user, _, old = _enrolled(reference)
    new = renew_recovery_codes(reference, user_id=user.id, now=NOW)
    assert not set(new) & set(old)
    with pytest.raises(SecondFactorRefused):
        check_second_factor(reference, user_id=user.id, code=old[0], now=NOW)
    assert check_second_factor(reference, user_id=user.id, code=new[0], now=NOW)


def test_wrong_codes_make_the_next_check_wait_longer_and_longer_not_for_ever(reference: Session):
    user, secret, _ = _enrolled(reference)
    moment = NOW + timedelta(minutes=1)
    for _ in range(FREE_WRONG_CODES):
        with pytest.raises(SecondFactorRefused) as refused:
            check_second_factor(reference, user_id=user.id,
                                code=_wrong(_code(secret, moment)), now=moment)
        assert refused.value.reason == "invalid"
    # The right code right away is not even looked at ...
    with pytest.raises(SecondFactorRefused) as refused:
        check_second_factor(reference, user_id=user.id, code=_code(secret, moment), now=moment)
    assert refused.value.reason == "throttled"
    assert refused.value.wait == wait_after(FREE_WRONG_CODES)
    # ... but after the delay it signs in, and the count starts again.
    after = moment + wait_after(FREE_WRONG_CODES)
    assert check_second_factor(reference, user_id=user.id, code=_code(secret, after),
                               now=after) == "app"
    assert reference.get(SecondFactor, user.id).failed_codes == 0


def test_the_delay_doubles_and_stops_growing_at_a_quarter_of_an_hour():
    assert wait_after(FREE_WRONG_CODES - 1) == timedelta(0)
    assert wait_after(FREE_WRONG_CODES + 1) == 2 * wait_after(FREE_WRONG_CODES)
    assert wait_after(10_000) == timedelta(minutes=15)


def test_a_user_without_a_confirmed_factor_has_no_code_that_works(reference: Session):
    user = make_user(reference, "Lister", "care_provider")
    secret = start_enrolment(reference, user_id=user.id, now=NOW)
    with pytest.raises(SecondFactorRefused):
        check_second_factor(reference, user_id=user.id, code=_code(secret, NOW), now=NOW)


def test_an_administrator_cannot_turn_their_own_second_factor_off(reference: Session):
    admin, _, _ = _enrolled(reference, "admin")
    with pytest.raises(ValidationFailed):
        remove_second_factor(reference, user_id=admin.id, actor=admin, now=NOW)
    assert has_second_factor(reference, user_id=admin.id)


def test_a_user_turns_their_own_factor_off_and_an_administrator_resets_anothers(
    reference: Session,
):
    from matching.services.errors import PermissionDenied

    user, _, _ = _enrolled(reference)
    other, _, _ = _enrolled(reference)
    with pytest.raises(PermissionDenied):
        remove_second_factor(reference, user_id=other.id, actor=user, now=NOW)
    remove_second_factor(reference, user_id=user.id, actor=user, now=NOW)
    assert not has_second_factor(reference, user_id=user.id)
    assert second_factor_status(reference, user_id=user.id).recovery_codes_left == 0

    admin, _, _ = _enrolled(reference, "admin")
    remove_second_factor(reference, user_id=other.id, actor=admin, now=NOW)
    assert not has_second_factor(reference, user_id=other.id)


def test_simultaneous_uses_of_one_code_let_exactly_one_through(
    reference: Session, database_url: str,
):
    user, secret, _ = _enrolled(reference)
    later = NOW + timedelta(seconds=90)
    code = _code(secret, later)

    def use(session: Session) -> str:
        return check_second_factor(session, user_id=user.id, code=code, now=later)

    outcomes = race_in_sessions(database_url, *[use] * 8, allowed=(SecondFactorRefused,))
    assert len(outcomes) == 8
    assert outcomes.count("app") == 1
    assert all(isinstance(o, SecondFactorRefused) for o in outcomes if o != "app")


def test_simultaneous_wrong_codes_are_each_counted(reference: Session, database_url: str):
    user, secret, _ = _enrolled(reference)
    later = NOW + timedelta(seconds=90)
    wrong = _wrong(_code(secret, later))

    def guess(session: Session) -> str:
        return check_second_factor(session, user_id=user.id, code=wrong, now=later)

    outcomes = race_in_sessions(database_url, *[guess] * 8, allowed=(SecondFactorRefused,))
    reasons = [o.reason for o in outcomes if isinstance(o, SecondFactorRefused)]
    assert len(reasons) == 8
    # Five are looked at and counted; the rest wait behind the delay they caused.
    assert reasons.count("invalid") == FREE_WRONG_CODES
    assert reasons.count("throttled") == 8 - FREE_WRONG_CODES
    reference.expire_all()
    assert reference.get(SecondFactor, user.id).failed_codes == FREE_WRONG_CODES


def test_the_console_turns_off_a_lost_second_factor_and_signs_the_user_out(
    reference: Session, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path,
):
    from click.testing import CliRunner

    from matching.cli import main
    from matching.models import UserSession
    from matching.services.sessions import sign_in

    admin, _, _ = _enrolled(reference, "admin")
    _, session_id = sign_in(reference, email=admin.email, password="correct horse battery",
                            remote_addr="192.0.2.1", now=NOW)
    monkeypatch.setenv("MATCHING_DATABASE_URL", database_url)
    monkeypatch.setenv("MATCHING_INSTANCE_DIR", str(tmp_path / "instance"))

    result = CliRunner().invoke(main, ["users", "reset-second-factor", admin.email.upper()])

    assert result.exit_code == 0, result.output
    assert "turned off" in result.output
    reference.expire_all()
    assert not has_second_factor(reference, user_id=admin.id)
    assert reference.get(UserSession, session_id).ended_at is not None
    unknown = CliRunner().invoke(main, ["users", "reset-second-factor", "nobody@example.org"])
    assert unknown.exit_code != 0 and "no user" in unknown.output
