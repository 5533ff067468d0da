"""The period a report covers and who reads it."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from matching.vocabulary import Role

# A cell that would count fewer clients than this is hidden from the municipality.
SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class Period:
    kind: str  # "quarter" or "year"
    code: str  # "2019Q3" or "2019"
    year: int
    first_day: date
    last_day: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
        }


@dataclass(frozen=True)
class Reader:
    """Who reads the report, and so what it may show."""

    role: str
    organisation_id: int

    @property
    def corporation_id(self) -> int | None:
        """A corporation reads only its own figures."""
        return self.organisation_id if self.role == Role.CORPORATION else None

    @property
    def suppresses_small_counts(self) -> bool:
        return self.role == Role.ANALYST

    def clients(self, count: int) -> int | None:
        """A count of clients as this reader may see it (None: suppressed)."""
        if self.suppresses_small_counts and 0 < count < SUPPRESS_BELOW:
            return None
        return count
