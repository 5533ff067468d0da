"""A report, or a steering figure, as named tables: what the page downloads write.

Each list section becomes a table with a column per key of its rows; each dictionary section
becomes a table of figures (one row per key: the key, its value), and a list inside it (the
matching's reasons, the verdeelbesluit's groups) a table of its own, named by its dotted path
(`matching.reasons`). The report's own scalars and its period open the download as the
`report` figures. Keys stay keys here: the writer (matching/reports/spreadsheet.py) names
them in the reader's language. Organisations' ids are left out: a person reads the names.
"""

from dataclasses import dataclass
from typing import Any

OVERVIEW = "report"
FIGURE_COLUMNS = ("figure", "value")


@dataclass(frozen=True)
class Table:
    name: str  # the section's key, dotted for a list inside a section
    columns: tuple[str, ...]
    rows: list[list[Any]]
    figures: bool = False  # a table of (key, value) rows rather than one row per item

    def key_of(self, row: list[Any], index: int) -> str:
        """The key a cell's value belongs to: its column's, or the row's in a figures table."""
        return str(row[0]) if self.figures and index == 1 else self.columns[index]


def _shown(key: str) -> bool:
    return key != "id" and not key.endswith("_id")


def _flat(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A row's values by key, a nested dictionary's (per_quarter) as `per_quarter.Q1`."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        if not _shown(key):
            continue
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            flat[f"{prefix}{key}"] = value
    return flat


def rows_table(name: str, items: list[dict[str, Any]]) -> Table | None:
    """One row per item, a column per key (in the order the items first name them)."""
    flat = [_flat(item) for item in items]
    columns: dict[str, None] = {}
    for row in flat:
        columns.update(dict.fromkeys(row))
    if not flat or not columns:
        return None
    return Table(name, tuple(columns), [[row.get(c) for c in columns] for row in flat])


def figures_tables(name: str, section: dict[str, Any]) -> list[Table]:
    """The section's figures as (key, value) rows, then a table per list inside it."""
    figures = [[key, value] for key, value in _flat(section).items()]
    tables = [Table(name, FIGURE_COLUMNS, figures, figures=True)] if figures else []
    for key, value in section.items():
        if isinstance(value, list) and (table := rows_table(f"{name}.{key}", value)):
            tables.append(table)
    return tables


def report_tables(report: dict[str, Any]) -> list[Table]:
    """A report's tables: its overview (period, as of, scope), then its sections in order."""
    overview: dict[str, Any] = {}
    sections: list[Table] = []
    for key, value in report.items():
        if isinstance(value, list):
            if (table := rows_table(key, value)) is not None:
                sections.append(table)
        elif isinstance(value, dict) and key not in ("period", "closed_by"):
            sections.extend(figures_tables(key, value))
        elif isinstance(value, dict):
            overview.update(_flat(value, f"{key}."))
        else:
            overview[key] = value
    head = figures_tables(OVERVIEW, overview)
    return head + sections
