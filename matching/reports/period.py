"""The period a report covers and who reads it."""

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from matching.vocabulary import Role

Key = TypeVar("Key")

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

    def hidden(self, counts: dict[Key, int]) -> set[Key]:
        """The cells of a row of counts this reader may not see: each of 1 to 4 clients and,
        when that is a single cell beside a total that is shown or can be worked out, the
        smallest shown cell with it, so that the total less the shown cells does not give the
        hidden one away."""
        hidden = {key for key, count in counts.items() if self.clients(count) is None}
        if len(hidden) == 1:
            shown = [(count, str(key), key) for key, count in counts.items()
                     if count and key not in hidden]
            if shown:
                hidden.add(min(shown)[2])
        return hidden
