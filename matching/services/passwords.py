"""The password policy of ASVS 4.0.3 level 2 (V2.1): at least 12 and at most 128 characters
of any kind, no composition rules, and refused when it is a known or breached password, a
trivial variation of one, or built from the user's own e-mail address.

The known passwords are zxcvbn's list of the 30,000 most common ones from published breaches
(shipped inside the package, so nothing is fetched at run time); zxcvbn's estimate also
catches one of them with digits or a sign added, repeats, sequences and keyboard walks.
"""

import re
from functools import cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_PASSWORD_LENGTH = 12  # ASVS 2.1.1
MAX_PASSWORD_LENGTH = 128  # ASVS 2.1.2: at least 64 permitted, more than 128 refused
# zxcvbn's scores 0-2 mean fewer than 10^8 guesses: an online attack's reach, and an offline
# attack on a leaked hash in no time.
_LEAST_SCORE = 3
# zxcvbn's work grows with the length; beyond this the start decides whether it is guessable.
_ESTIMATED_PREFIX = 64
# Words an attacker tries first on this service.
_SERVICE_WORDS = ("matching", "utrecht")
# A shorter piece of an address (`jd@...`) would refuse any password with those letters.
_SHORTEST_EMAIL_PIECE = 4

TOO_SHORT = f"use at least {MIN_PASSWORD_LENGTH} characters"
TOO_LONG = f"use at most {MAX_PASSWORD_LENGTH} characters"
TOO_COMMON = "this password is too common or too easy to guess; choose a longer or rarer one"
CONTAINS_EMAIL = "a password may not contain your e-mail address or its name part"


@cache
def _breached() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def _email_pieces(email: str) -> list[str]:
    address = email.strip().lower()
    local = address.split("@", 1)[0]
    pieces = [address, local, *re.split(r"[\W_]+", local)]
    return [piece for piece in pieces if len(piece) >= _SHORTEST_EMAIL_PIECE]


def password_problem(password: str, *, email: str) -> str | None:
    """Return what is wrong with `password` for the user with `email`, or None when it is
    acceptable; the problems are the module's constants (TOO_SHORT, ...)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return TOO_LONG
    lowered = password.lower()
    pieces = _email_pieces(email)
    if any(piece in lowered for piece in pieces):
        return CONTAINS_EMAIL
    if lowered in _breached():
        return TOO_COMMON
    estimate = zxcvbn(password[:_ESTIMATED_PREFIX], user_inputs=[*pieces, *_SERVICE_WORDS])
    if estimate["score"] < _LEAST_SCORE:
        return TOO_COMMON
    return None
