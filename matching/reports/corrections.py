"""Corrections: figures of a closed quarter whose value, recomputed now as of the quarter's
last day, differs from the published snapshot.

A figure is named by a dotted path of section, row and metric:
- `quotas.<corporation>.<metric>` and `speed.<corporation>.<metric>` (e.g.
  `quotas.Mitros.submitted`);
- `waiting.<target group code>.<metric>` (e.g. `waiting.mobw_uitstroom.waiting`);
- `contingents.<care provider>.<metric>` (e.g. `contingents.Lister.housed`);
- `matching.<metric>` and `matching.reasons.<reason code>` (the count of that reason);
- `leases.<metric>` (e.g. `leases.flip_review_due`).
A row that appeared or vanished shows its figures with `null` on the missing side.
Since every figure is rebuilt from the event history as of the quarter's last day, time
passing changes nothing; what does is history recorded late with an earlier date (a
withdrawal or a transfer entered afterwards with its real date), or reference data edited
since (quotas' weights and task, contingents, a client's target group).
"""

from typing import Any

# For each list section: the field that names a row, and the fields that are not figures.
_ROWS = {
    "quotas": ("corporation", {"corporation_id"}),
    "speed": ("corporation", {"corporation_id"}),
    "waiting": ("target_group", {"label"}),
    "contingents": ("care_provider", {"care_provider_id"}),
}


def flatten(report: dict[str, Any]) -> dict[str, Any]:
    """Every figure of a report by its dotted path."""
    found: dict[str, Any] = {}
    for section, (name, skip) in _ROWS.items():
        for row in report.get(section) or []:
            for metric, value in row.items():
                if metric != name and metric not in skip:
                    found[f"{section}.{row[name]}.{metric}"] = value
    for metric, value in (report.get("matching") or {}).items():
        if metric == "reasons":
            for row in value:
                found[f"matching.reasons.{row['reason_code']}"] = row["count"]
        else:
            found[f"matching.{metric}"] = value
    for metric, value in (report.get("leases") or {}).items():
        found[f"leases.{metric}"] = value
    return found


def differences(quarter: str, published: dict[str, Any], current: dict[str, Any]
                ) -> list[dict[str, Any]]:
    """The figures whose current value differs from the published one, in report order."""
    before, now = flatten(published), flatten(current)
    names = list(before) + [name for name in now if name not in before]
    return [
        {"quarter": quarter, "figure": name, "published": before.get(name),
         "current": now.get(name)}
        for name in names if before.get(name) != now.get(name)
    ]
