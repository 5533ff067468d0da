"""The password policy (ASVS 4.0.3 V2.1): long enough, not a known or breached password nor
a trivial variation of one, and not the user's own e-mail address."""

import pytest

from matching.demo import DEMO_PASSWORD
from matching.services.passwords import (
    CONTAINS_EMAIL,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    TOO_COMMON,
    TOO_LONG,
    TOO_SHORT,
    password_problem,
)

EMAIL = "j.devries@lister.example.org"


def test_twelve_characters_is_the_least_and_eleven_is_refused():
    assert MIN_PASSWORD_LENGTH == 12
    assert password_problem("Vk7#pz2Lq9wR"[:11], email=EMAIL) == TOO_SHORT
    assert password_problem("Vk7#pz2Lq9wR", email=EMAIL) is None


def test_a_long_passphrase_with_spaces_and_any_letters_is_welcome():
    assert password_problem("fietsen langs de Vecht in één dag", email=EMAIL) is None
    sentence = "De reiger staat stil bij de sluis, de fietser belt twee keer en de pont vaart."
    longest = (sentence * 2)[:MAX_PASSWORD_LENGTH]
    assert password_problem(longest, email=EMAIL) is None


def test_more_than_128_characters_is_refused():
    assert MAX_PASSWORD_LENGTH == 128
    assert password_problem("Vk7#pz2Lq9wR" * 11, email=EMAIL) == TOO_LONG


@pytest.mark.parametrize("password", [
    "qwertyuiopas",    # in the shipped list of breached passwords as it stands
    "1q2w3e4r5t6y",
    "PASSWORD1234",    # a listed one in capitals
    "password1234!",   # a listed one with digits and a sign added
    "welkom123456",
    "wachtwoord2024",
    "aaaaaaaaaaaaaaaa",
    "abcdefghijklmnop",
])
def test_a_common_or_breached_password_or_a_trivial_variation_is_refused(password: str):
    assert password_problem(password, email=EMAIL) == TOO_COMMON


@pytest.mark.parametrize("password", [
    "J.DeVries@Lister.example.org!",   # the whole address, whatever the case
    "j.devries-zegt-hallo-2025",       # its local part
    "zomer-devries-vakantie",          # a part of the name in the local part
])
def test_a_password_containing_the_e_mail_address_is_refused(password: str):
    assert password_problem(password, email=EMAIL) == CONTAINS_EMAIL


def test_a_short_local_part_does_not_refuse_every_password_with_its_letters():
    assert password_problem("Vk7#pz2Lq9wR-jd", email="jd@lister.example.org") is None


def test_the_demo_password_and_the_test_users_password_pass():
    assert password_problem(DEMO_PASSWORD, email="matcher@hetvierdehuis.example.org") is None
    assert password_problem("correct horse battery", email="user1@example.org") is None
