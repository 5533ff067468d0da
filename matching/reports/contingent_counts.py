"""Contingent rows as a reader may see them: one rule for the report, the API and the page.

The municipality sees aggregates only, and no cell counting 1 to 4 clients (product.md
section 8). A provider's contingent is a number of dwellings and always shows; the clients
it has proposed and housed are counts of clients; what remains (the contingent less the
housed) would give a hidden housed count away, so it is hidden with it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matching.reports.period import SUPPRESS_BELOW, Reader
from matching.services.planning import ContingentRow


@dataclass(frozen=True)
class ShownContingent:
    """One provider's row; None where the reader may not see the count."""

    care_provider_id: int
    care_provider: str
    contingent: int
    proposed: int | None
    housed: int | None
    remaining: int | None

    @property
    def suppressed(self) -> bool:
        return self.proposed is None or self.housed is None


def as_read_by(reader: Reader, rows: Iterable[ContingentRow]) -> list[ShownContingent]:
    """The rows with every count the reader may not see hidden (None)."""
    shown = []
    for row in rows:
        housed = reader.clients(row.housed)
        shown.append(ShownContingent(
            care_provider_id=row.care_provider_id, care_provider=row.care_provider,
            contingent=row.contingent, proposed=reader.clients(row.proposed), housed=housed,
            remaining=row.remaining if housed is not None else None,
        ))
    return shown


def column_total(rows: Sequence[ShownContingent], name: str) -> int | None:
    """A column's total, or None when a cell of it is hidden: the total less the shown
    cells would give the hidden ones away."""
    values = [getattr(row, name) for row in rows]
    return None if None in values else sum(values)


def suppressed_below(reader: Reader) -> int | None:
    """Below which count cells are hidden from this reader (None: nothing is hidden)."""
    return SUPPRESS_BELOW if reader.suppresses_small_counts else None
