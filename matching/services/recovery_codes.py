"""One-time recovery codes: what a user types when their authenticator app is out of reach.

A code is 16 characters from an alphabet without look-alikes (no 0/O, no 1/I), 80 random
bits, shown once in four groups of four. Only a salted SHA-256 digest is stored: ASVS 2.6.2
asks a lookup secret under 112 bits for a unique random salt (32 bits or more) and an
approved one-way hash; 80 random bits need no slow password hash to resist guessing.
"""

import hashlib
import hmac
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
GROUP = 4
CODES_PER_SET = 10
_SALT_BYTES = 8


def new_recovery_codes(count: int = CODES_PER_SET) -> list[str]:
    """Fresh random codes, written in groups of four for reading aloud and typing."""
    return [_grouped("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))
            for _ in range(count)]


def _grouped(code: str) -> str:
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def normalised(typed: str) -> str:
    """The code as stored: capitals, without the spaces and dashes people type between groups."""
    return "".join(typed.split()).replace("-", "").upper()


def looks_like_recovery_code(typed: str) -> bool:
    code = normalised(typed)
    return len(code) == CODE_LENGTH and all(character in ALPHABET for character in code)


def hash_recovery_code(code: str) -> str:
    """`salt$digest` of the normalised code, with a fresh random salt."""
    salt = secrets.token_hex(_SALT_BYTES)
    return f"{salt}${_digest(salt, normalised(code))}"


def recovery_code_matches(code_hash: str, typed: str) -> bool:
    salt, _, digest = code_hash.partition("$")
    return hmac.compare_digest(_digest(salt, normalised(typed)), digest)


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}{code}".encode()).hexdigest()
