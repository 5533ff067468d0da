"""The verdeelbesluit of a year against its realisation (product.md section 8; API 1.1).

What is counted as realised: a lease created by letting a dwelling through the workflow
(`let_dwelling`, the dwelling's `let` transition), to a client, whose lease start falls in
the year and not after `as_of`. Institution leases (`register_institution_lease`) are not
counted: they house no one new. A lease counts whatever became of it later (transferred,
extended or ended), and it counts toward the client's target group:

- a line with a target group code gets the lets to clients of that group;
- a line without a code (2024's single "Totaal" line) gets the lets to clients of every
  group that no other line of the year names;
- the report's `realised` counts the lets toward the lines requested from the corporations
  (so it compares with `requested_from_corporations`); lets to the self-searchers' groups are
  in their own lines and in `realised_self_search`, every let of the year in `realised_all`.

`per_month_needed` is (requested_from_corporations - realised) / the whole months left after
as_of's month through December (at least 1; all 12 for a year not yet begun), to one decimal,
0 when nothing more is needed. For the municipality a count of 1 to 4 clients is null, and so
is every total that includes a null group (with the percentage, forecast and pace derived from
it): otherwise the total less the shown groups would give the hidden count away.

`forecast_band` is the year-end band of the brief's scenario 11: if realisation mirrors 2024
(56% by the end of October) the year ends at 70-80% of the places [002]. The two
percentages are the year parameters `allocation_forecast_low_pct`/`_high_pct` (70 and 80
unless a year sets them), an assumption named in the band's `source`, not a measurement.
The places are `total_places` times each percentage, rounded half to even as the brief's
arithmetic does (1,235 x 70% = 864.5 -> 864; 1,182 x 80% = 945.6 -> 946), and the shortfall
is `total_places` less them: for 2025, 988-864 places and a shortfall of 247-371. The band
counts places, not clients, so nothing in it is suppressed.
"""

from collections import Counter
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from matching.access import require_role
from matching.errors import NotFound, ValidationFailed
from matching.models import AllocationTarget, Client, Lease
from matching.parameters import year_parameters
from matching.reports.period import SUPPRESS_BELOW, Reader
from matching.vocabulary import Role, utcnow
from matching.workdays import local_date

# The agency and the municipality read it, and the administrator, as every report.
ALLOCATION_ROLES = (Role.MATCHER, Role.ANALYST, Role.ADMIN)


def _one_decimal(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def months_left(as_of: date, year: int) -> int:
    """Whole months after as_of's month through December (at least 1; 12 before the year)."""
    if as_of.year < year:
        return 12
    return max(1, 12 - as_of.month)


def per_month_needed(requested: int, realised: int, as_of: date, year: int) -> float:
    """Lets needed per remaining month to reach `requested` by the year's end."""
    needed = requested - realised
    if needed <= 0:
        return 0.0
    return _one_decimal(Decimal(needed) / months_left(as_of, year))


def lets_per_group(session: Session, year: int, as_of: date) -> Counter[str | None]:
    """Leases made by letting a dwelling, starting in the year up to as_of, per target group."""
    rows = session.exec(
        select(Client.target_group, func.count())
        .join(Lease, col(Lease.client_id) == col(Client.id))
        .where(
            col(Lease.dwelling_id).is_not(None),
            col(Lease.is_institution).is_(False),
            Lease.start_on >= date(year, 1, 1),
            Lease.start_on <= as_of,
        )
        .group_by(col(Client.target_group))
    ).all()
    return Counter({group: int(count) for group, count in rows})


def forecast_at_pace(realised: int, as_of: date, year: int) -> int | None:
    """The year's end at the pace so far (lets per day since 1 January), None before it."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if as_of < first:
        return None
    elapsed = (as_of - first).days + 1
    whole_year = (last - first).days + 1
    return int((Decimal(realised) * whole_year / elapsed).quantize(Decimal(1), ROUND_HALF_UP))


def forecast_band(session: Session, year: int, total_places: int) -> dict[str, Any]:
    """The year-end band (low-high percent of the places) with its shortfall (see above)."""
    params = year_parameters(session, year)
    low, high = sorted((params.allocation_forecast_low_pct,
                        params.allocation_forecast_high_pct))

    def places(pct: Decimal) -> int:
        return int((Decimal(total_places) * pct / 100).quantize(Decimal(1), ROUND_HALF_EVEN))

    low_places, high_places = places(low), places(high)
    supplied = sorted({
        by for by in (params.supplied_by.get(f"allocation_forecast_{end}_pct")
                      for end in ("low", "high")) if by is not None})
    origin = (f"set for {', '.join(str(y) for y in supplied)}" if supplied
              else "built-in default: if realisation mirrors 2024 (56% by the end of October) "
                   "the year ends at 70-80% [002]")
    return {
        "low_pct": _one_decimal(low),
        "high_pct": _one_decimal(high),
        "low_places": low_places,
        "high_places": high_places,
        "shortfall_min": max(total_places - high_places, 0),
        "shortfall_max": max(total_places - low_places, 0),
        "source": ("assumption: the year parameters allocation_forecast_low_pct and "
                   f"allocation_forecast_high_pct ({origin})"),
    }


def allocation_report(
    session: Session, *, year: int, actor: Any, as_of: date | None = None
) -> dict[str, Any]:
    """Return the year's verdeelbesluit against the lets made so far (see the module)."""
    require_role(actor, *ALLOCATION_ROLES)
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": "give a year between 2000 and 2100"})
    lines = session.exec(
        select(AllocationTarget).where(AllocationTarget.year == year)
        .order_by(col(AllocationTarget.id))
    ).all()
    if not lines:
        raise NotFound(f"there is no verdeelbesluit for {year}")
    reader = Reader(role=actor.role, organisation_id=actor.organisation_id)
    as_of = min(as_of or local_date(utcnow()), date(year, 12, 31))
    lets = lets_per_group(session, year, as_of)
    named = {line.target_group for line in lines if line.target_group}

    def covered(line: AllocationTarget) -> set[str | None]:
        if line.target_group:
            return {line.target_group}
        return {group for group in lets if group not in named}

    requested_groups: set[str | None] = set()
    self_search_groups: set[str | None] = set()
    hidden: set[str | None] = set()  # groups whose count this reader may not see
    groups = []
    for line in lines:
        mine = covered(line)
        (requested_groups if line.requested_from_corporations else self_search_groups).update(
            mine)
        if reader.clients(sum(lets[g] for g in mine)) is None:
            hidden.update(mine)
        groups.append({
            "group": line.group,
            "target_group": line.target_group or None,
            "places": line.places,
            "requested": line.places if line.requested_from_corporations else 0,
            "requested_from_corporations": line.requested_from_corporations,
            "realised": reader.clients(sum(lets[g] for g in mine)),
            "source": line.source,
        })
    total = sum(line.places for line in lines)
    requested = sum(line.places for line in lines if line.requested_from_corporations)
    realised = sum(lets[g] for g in requested_groups)
    self_search_only = self_search_groups - requested_groups

    def total_of(groups_in: set[str | None], count: int) -> int | None:
        """A total as this reader may see it: hidden with any group it includes."""
        return None if groups_in & hidden else reader.clients(count)

    shown = total_of(requested_groups, realised)
    return {
        "year": year,
        "total_places": total,
        "requested_from_corporations": requested,
        "self_search": total - requested,
        "realised": shown,
        "per_month_needed": (per_month_needed(requested, realised, as_of, year)
                             if shown is not None else None),
        "as_of": as_of.isoformat(),
        "groups": groups,
        "months_left": months_left(as_of, year),
        "monthly_target": _one_decimal(Decimal(total) / 12),
        "realised_self_search": total_of(
            self_search_only, sum(lets[g] for g in self_search_only)),
        "realised_all": total_of(set(lets) | hidden, sum(lets.values())),
        "pct_realised": (_one_decimal(Decimal(realised) * 100 / requested)
                         if requested and shown is not None else None),
        "forecast_at_pace": (forecast_at_pace(realised, as_of, year)
                             if shown is not None else None),
        "suppressed_below": SUPPRESS_BELOW if reader.suppresses_small_counts else None,
        "forecast_band": forecast_band(session, year, total),
    }
