"""Every way a password is set follows the policy: creating a user, changing one's own, and
the passwords the application generates itself."""

import pytest
from sqlmodel import Session, select

from matching.models import User
from matching.services.errors import ValidationFailed
from matching.services.passwords import CONTAINS_EMAIL, TOO_COMMON, TOO_SHORT, password_problem
from matching.services.users import (
    change_password,
    create_user,
    generate_password,
    reset_password,
    verify_password,
)
from tests.factories import make_user


@pytest.mark.parametrize(("password", "problem"), [
    ("elf tekens!", TOO_SHORT),
    ("password1234!", TOO_COMMON),
    ("nieuwkomer-2025-welkom", CONTAINS_EMAIL),
])
def test_a_user_is_not_created_with_a_weak_password(reference: Session, password, problem):
    with pytest.raises(ValidationFailed) as refused:
        create_user(reference, email="nieuwkomer@portaal.example", organisation_name="Portaal",
                    role="corporation", password=password)
    assert refused.value.fields == {"password": problem}
    assert reference.exec(select(User)).all() == []


def test_ones_own_new_password_follows_the_policy_and_the_old_one_stays(reference: Session):
    user = make_user(reference, "Lister", "care_provider")
    with pytest.raises(ValidationFailed) as refused:
        change_password(reference, user_id=user.id, current_password="correct horse battery",
                        new_password=user.email.upper())
    assert refused.value.fields == {"new_password": CONTAINS_EMAIL}
    assert verify_password(reference.get(User, user.id), "correct horse battery")


def test_generated_passwords_pass_the_policy_for_any_address():
    for email in ["a@b.nl", "jan.de.vries@lister.example.org", "qwerty@example.org"]:
        for _ in range(50):
            assert password_problem(generate_password(email=email), email=email) is None


def test_a_reset_password_passes_the_policy(reference: Session):
    administrator = make_user(reference, "Het Vierde Huis", "admin")
    user = make_user(reference, "Lister", "care_provider")
    password = reset_password(reference, user_id=user.id, actor=administrator)
    assert password_problem(password, email=user.email) is None
    assert verify_password(reference.get(User, user.id), password)
