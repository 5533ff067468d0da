"""Corrections: figures of a closed quarter whose value, recomputed now as of the quarter's
last day, differs from the published snapshot.

A figure is named by a dotted path of section, row and metric:
- `quotas.<corporation>.<metric>` and `speed.<corporation>.<metric>` (e.g.
  `quotas.Mitros.submitted`);
- `waiting.<target group code>.<metric>` (e.g. `waiting.mobw_uitstroom.waiting`);
- `waiting_per_care_provider.<care provider>.<metric>`, `contingents.<care provider>.<metric>`
  (e.g. `contingents.Lister.housed`) and `institution_flips.<care provider>.<metric>`, its
  quarters as `institution_flips.<care provider>.per_quarter.Q1`;
- `spreading.<district>.<metric>` (e.g. `spreading.Overvecht.lettings`);
- `matching.<metric>` and `matching.reasons.<reason code>` (the count of that reason);
- `leases.<metric>` (e.g. `leases.flip_review_due`).
A row that appeared or vanished shows its figures with `null` on the missing side. A section
or a metric the report did not have yet when the quarter was closed is no correction: the
snapshot is compared only on what it published.
Since every figure is rebuilt from the event history as of the quarter's last day, time
passing changes nothing; what does is history recorded late with an earlier date (a
withdrawal or a transfer entered afterwards with its real date), or reference data edited
since (quotas' weights and task, contingents, a client's target group).
"""

from collections.abc import Iterator
from typing import Any

# For each list section: the field that names a row, and the fields that are not figures.
_ROWS = {
    "quotas": ("corporation", {"corporation_id"}),
    "speed": ("corporation", {"corporation_id"}),
    "waiting": ("target_group", {"label"}),
    "waiting_per_care_provider": ("care_provider", {"care_provider_id"}),
    "contingents": ("care_provider", {"care_provider_id"}),
    "institution_flips": ("care_provider", {"care_provider_id"}),
    "spreading": ("district", {"to_spare"}),
}
_GROUPS = ("matching", "leases")  # sections that are one group of figures, not rows


def _figures(report: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """Every figure of a report: its section, its metric, its dotted path and its value."""
    for section, (name, skip) in _ROWS.items():
        for row in report.get(section) or []:
            for metric, value in row.items():
                if metric == name or metric in skip:
                    continue
                path = f"{section}.{row[name]}.{metric}"
                if isinstance(value, dict):  # per_quarter: one figure per quarter
                    for part, cell in value.items():
                        yield section, metric, f"{path}.{part}", cell
                else:
                    yield section, metric, path, value
    for metric, value in (report.get("matching") or {}).items():
        if metric == "reasons":
            for row in value:
                yield "matching", metric, f"matching.reasons.{row['reason_code']}", row["count"]
        else:
            yield "matching", metric, f"matching.{metric}", value
    for metric, value in (report.get("leases") or {}).items():
        yield "leases", metric, f"leases.{metric}", value


def flatten(report: dict[str, Any]) -> dict[str, Any]:
    """Every figure of a report by its dotted path."""
    return {path: value for _section, _metric, path, value in _figures(report)}


def _published(published: dict[str, Any]) -> tuple[set[tuple[str, str]], set[str]]:
    """What a snapshot published: its (section, metric) pairs, and its sections without a
    row to tell their metrics (any metric of those counts as published)."""
    pairs: set[tuple[str, str]] = set()
    open_sections: set[str] = set()
    for section in (*_ROWS, *_GROUPS):
        value = published.get(section)
        if value is None:  # a section added to the reports after the quarter was closed
            continue
        if not value:
            open_sections.add(section)
        for row in value if isinstance(value, list) else [value]:
            pairs.update((section, metric) for metric in row)
    return pairs, open_sections


def differences(quarter: str, published: dict[str, Any], current: dict[str, Any]
                ) -> list[dict[str, Any]]:
    """The figures whose current value differs from the published one, in report order."""
    before = flatten(published)
    pairs, open_sections = _published(published)
    now = {
        path: value for section, metric, path, value in _figures(current)
        if (section, metric) in pairs or section in open_sections
    }
    names = list(before) + [name for name in now if name not in before]
    return [
        {"quarter": quarter, "figure": name, "published": before.get(name),
         "current": now.get(name)}
        for name in names if before.get(name) != now.get(name)
    ]
