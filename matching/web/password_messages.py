"""The password policy's refusals (matching/services/passwords.py) in the user's language."""

from matching.services.passwords import (
    CONTAINS_EMAIL,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    TOO_COMMON,
    TOO_LONG,
    TOO_SHORT,
)
from matching.web.i18n import text as _


def password_problem_text(problem: str) -> str | None:
    """The Dutch (or English) words for one refusal of a new password; None if unknown."""
    texts = {
        TOO_SHORT: lambda: _("Gebruik ten minste %(n)s tekens.", n=MIN_PASSWORD_LENGTH),
        TOO_LONG: lambda: _("Gebruik hoogstens %(n)s tekens.", n=MAX_PASSWORD_LENGTH),
        TOO_COMMON: lambda: _(
            "Dit wachtwoord is te bekend of te makkelijk te raden: het staat in een lijst van "
            "uitgelekte wachtwoorden of lijkt er sterk op. Kies een langer of ongewoner "
            "wachtwoord, bijvoorbeeld een zin van een paar woorden."),
        CONTAINS_EMAIL: lambda: _("Gebruik uw e-mailadres niet in uw wachtwoord."),
    }
    text = texts.get(problem)
    return text() if text else None
