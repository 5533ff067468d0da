"""Split year tasks into quotas, instroom quotas, backlogs and contingents (product.md section 3).

Pure module: standard library only. Numbers are read as exact Decimals (a float through its
shortest repr, so 0.1 means 0.1) and every share is an exact Fraction of them, so no result
depends on float or Decimal rounding.

Decisions:
- Largest-remainder ties go to the larger weight first, then to the lower index.
- Tables keep their largest-remainder row and column totals. Cells are floor or ceil of their
  exact share whenever those totals allow it, which they always do for equal column weights
  (four quarters). For other column weights they rarely do not; then the fewest units needed
  go further above their floor, so a cell may exceed its share by more than one.
- Instroom cells never exceed their quota cell. With realistic numbers the instroom table is
  also consistent. Only when it cannot be (a tiny corporation, a small task or a share near
  100%) does it keep the quarter totals and year total and let corporation totals deviate.
- ``default_contingents`` splits the total evenly when no provider has waiting clients, so
  contingents always add up to the year's dwellings.
"""

from __future__ import annotations

import functools
import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Weight = Decimal | float | int
QUARTERS: tuple[int, ...] = (1, 1, 1, 1)  # a year has four equal quarters


@dataclass(frozen=True)
class QuarterQuota:
    """Hold one corporation's quota and instroom quota for one quarter."""

    corporation: str
    quarter: int
    quota: int
    instroom_quota: int


def _exact(value: Weight) -> Fraction:
    """Return a finite number as an exact Fraction, reading floats through their repr."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"number must be finite, got {value!r}")
    return Fraction(number)


def _shares(weights: Sequence[Weight]) -> list[Fraction]:
    """Return each weight's exact share of the sum (all zero when the weights are all zero)."""
    if len(weights) == 0:
        raise ValueError("weights must not be empty")
    exact = [_exact(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError("weights must not be negative")
    whole = sum(exact, Fraction(0))
    return [w / whole for w in exact] if whole else [Fraction(0)] * len(exact)


def largest_remainder(total: int, weights: Sequence[Weight]) -> list[int]:
    """Split a non-negative integer total over the weights by the largest-remainder method."""
    if total < 0:
        raise ValueError(f"total must not be negative, got {total}")
    shares = _shares(weights)
    if total > 0 and not any(shares):
        raise ValueError("cannot split a positive total over all-zero weights")
    exact = [total * s for s in shares]
    parts = [math.floor(e) for e in exact]
    # Largest remainder: parts add up to the total (product.md section 3); equal remainders
    # go to the larger weight first, then to the lower index, so the result is deterministic.
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], -shares[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


Cell = tuple[int, int]


def _flow(
    x: list[list[int]], rows: list[int], cols: list[int], cap: list[list[int]], order: list[Cell]
) -> None:
    """Raise the flow x to a maximum within row, column and cell capacities, in place."""
    row_left = [r - sum(xr) for r, xr in zip(rows, x, strict=True)]
    col_left = [c - sum(xc) for c, xc in zip(cols, zip(*x, strict=True), strict=True)]
    for i, j in order:  # greedy first pass over the preferred cells
        step = min(row_left[i], col_left[j], cap[i][j] - x[i][j])
        x[i][j] += step
        row_left[i] -= step
        col_left[j] -= step
    while True:  # augmenting paths: row -> column on spare capacity, column -> row on flow
        row_from: dict[int, int | None] = {i: None for i, n in enumerate(row_left) if n > 0}
        col_from: dict[int, int] = {}
        queue, end = deque(row_from), None
        while queue and end is None:
            i = queue.popleft()
            for j in (j for j in range(len(cols)) if j not in col_from and x[i][j] < cap[i][j]):
                col_from[j] = i
                if col_left[j] > 0:
                    end = j
                    break
                for k in (k for k in range(len(rows)) if k not in row_from and x[k][j] > 0):
                    row_from[k] = j
                    queue.append(k)
        if end is None:
            return
        col_left[end] -= 1
        j = end
        while True:  # walk the path back: add on forward cells, remove on backward cells
            i = col_from[j]
            x[i][j] += 1
            back = row_from[i]
            if back is None:
                row_left[i] -= 1
                break
            x[i][back] -= 1
            j = back


def _round(
    exact: list[list[Fraction]],
    rows: list[int],
    cols: list[int],
    cap: list[list[int]],
    keep_rows: bool = True,
) -> list[list[int]] | None:
    """Round cells up from their floors within cap so the totals are met, or return None."""
    floor = [[math.floor(e) for e in row] for row in exact]
    need = [r - sum(fr) for r, fr in zip(rows, floor, strict=True)]
    col_need = [c - sum(fc) for c, fc in zip(cols, zip(*floor, strict=True), strict=True)]
    cells = [(i, j) for i in range(len(rows)) for j in range(len(cols))]
    order = sorted(cells, key=lambda c: (floor[c[0]][c[1]] - exact[c[0]][c[1]], c))
    extra = [[0] * len(cols) for _ in rows]
    # Controlled rounding: hand out the row and column deficits as a flow, largest fractional
    # part first. Step 1 allows one unit above each floor (cell = floor or ceil of its share).
    # If the largest-remainder totals make that impossible, allow one more unit per step, so
    # the totals always hold. Without keep_rows (instroom fallback) rows are free.
    for step in range(1, max([*need, *col_need, 0]) + 2):
        spare = [
            [min(step - (e == f), c - f) for e, f, c in zip(*row, strict=True)]
            for row in zip(exact, floor, cap, strict=True)
        ]
        _flow(extra, need if keep_rows else [sum(sr) for sr in spare], col_need, spare, order)
        done = [sum(row) for row in extra] == need or not keep_rows
        if done and [sum(column) for column in zip(*extra, strict=True)] == col_need:
            pairs = zip(floor, extra, strict=True)
            return [[f + e for f, e in zip(fr, er, strict=True)] for fr, er in pairs]
    return None


def _products(total: int, rows: Sequence[Weight], cols: Sequence[Weight]) -> list[list[Fraction]]:
    """Return each cell's exact share: total times row share times column share."""
    return [[total * r * c for c in _shares(cols)] for r in _shares(rows)]


def consistent_table(
    total: int, row_weights: Sequence[Weight], column_weights: Sequence[Weight]
) -> list[list[int]]:
    """Split a total over rows and columns so cells, rows and columns all round consistently."""
    rows = largest_remainder(total, row_weights)
    cols = largest_remainder(total, column_weights)
    exact = _products(total, row_weights, column_weights)
    table = _round(exact, rows, cols, [[total] * len(cols) for _ in rows])
    assert table is not None  # with no cell cap any row and column deficits can be met
    return table


def instroom_total(task: int, share_pct: Weight) -> int:
    """Return the year's instroom total: task times share percent, rounded half up."""
    share = _exact(share_pct)
    if task < 0 or not 0 <= share <= 100:
        raise ValueError("task must be >= 0 and the instroom share between 0 and 100 percent")
    return math.floor(task * share / 100 + Fraction(1, 2))  # round half up: 385 at 20% is 77


def quarter_quotas(
    task: int, weights: Mapping[str, Weight], instroom_share_pct: Weight,
    quarter_weights: Sequence[Weight] = QUARTERS,
) -> list[QuarterQuota]:
    """Split the year task into quotas and instroom quotas per corporation per quarter
    (`quarter_weights`: each quarter's part of the year, all equal unless the approach
    starts within the year; a quarter of weight 0 gets no quota)."""
    return list(_quarter_quotas(task, tuple(weights.items()), instroom_share_pct,
                                tuple(quarter_weights)))


# The same split is asked for on every page that shows a quota (the dashboard, the quarter
# overviews, the planning): worked out once per process for the same task, weights and shares,
# as it depends on nothing else.
@functools.lru_cache(maxsize=64)
def _quarter_quotas(
    task: int, weighted: tuple[tuple[str, Weight], ...], instroom_share_pct: Weight,
    quarter_weights: tuple[Weight, ...],
) -> tuple[QuarterQuota, ...]:
    weights = dict(weighted)
    if len(quarter_weights) != len(QUARTERS):
        raise ValueError("give a weight for each of the four quarters")
    names, values = list(weights), list(weights.values())
    quota = consistent_table(task, values, quarter_weights)
    total = instroom_total(task, instroom_share_pct)
    rows, cols = largest_remainder(total, values), largest_remainder(total, quarter_weights)
    exact = _products(total, values, quarter_weights)
    # Instroom is a part of the quota: no instroom cell may exceed its quota cell.
    instroom = _round(exact, rows, cols, quota)
    if instroom is None:  # tiny corporation or share near 100%: keep quarter and year totals
        instroom = _round(exact, rows, cols, quota, keep_rows=False)
    assert instroom is not None  # each quarter's instroom total fits in its quota total
    return tuple(
        QuarterQuota(name, q + 1, quota[i][q], instroom[i][q])
        for i, name in enumerate(names)
        for q in range(len(QUARTERS))
    )


def approach_months(start_month: int) -> tuple[int, ...]:
    """The months of each quarter the approach applies in, from its first month on
    (start in August: 0, 0, 2, 3)."""
    if not 1 <= start_month <= 12:
        raise ValueError(f"a month is 1 to 12, got {start_month}")
    return tuple(sum(1 for m in range(3 * q + 1, 3 * q + 4) if m >= start_month)
                 for q in range(len(QUARTERS)))


def pro_rated_task(task: int, start_month: int) -> int:
    """The year task over the months that remain from the start month, rounded half up
    (385 from August: 385 x 5/12 = 160.4, so 160)."""
    if task < 0:
        raise ValueError(f"task must not be negative, got {task}")
    months = sum(approach_months(start_month))
    return math.floor(Fraction(task * months, 12) + Fraction(1, 2))


def dwellings_for_persons(persons: int, persons_per_dwelling: Weight) -> int:
    """The dwellings needed to house `persons` at `persons_per_dwelling` a dwelling, rounded
    up: a part of a household still needs a dwelling (108 persons at 2: 54)."""
    per = _exact(persons_per_dwelling)
    if persons < 0 or per <= 0:
        raise ValueError("persons must be >= 0 and persons per dwelling above 0")
    return math.ceil(persons / per)


def backlogs(quotas: Sequence[int], submitted: Sequence[int]) -> list[int]:
    """Return the backlog carried into each quarter of one year from earlier shortfalls."""
    if not 1 <= len(quotas) <= len(QUARTERS) or len(submitted) != len(quotas):
        raise ValueError("give 1 to 4 quarters, with as many submitted counts as quotas")
    if any(n < 0 for n in (*quotas, *submitted)):
        raise ValueError("quotas and submitted counts must not be negative")
    carried = [0]
    for quota, done in zip(quotas[:-1], submitted[:-1], strict=True):
        carried.append(carried_past(quota, carried[-1], done))
    return carried


def carried_past(quota: int, carried_in: int, submitted: int) -> int:
    """The backlog a quarter passes on: its quota plus the backlog it carried in, less what
    was submitted. A shortfall carries to the next quarter; a surplus does not (section 3)."""
    return max(0, quota + carried_in - submitted)


def default_contingents(total: int, waiting_by_provider: Mapping[str, int]) -> dict[str, int]:
    """Split the year's dwellings over providers in proportion to their waiting clients."""
    waiting = list(waiting_by_provider.values())
    if any(n < 0 for n in waiting):
        raise ValueError("waiting counts must not be negative")
    # Largest remainder over approved waiting clients on 1 January (section 3); when nobody
    # waits, split evenly rather than leave dwellings without a contingent.
    weights = waiting if any(waiting) else [1] * len(waiting)
    return dict(zip(waiting_by_provider, largest_remainder(total, weights), strict=True))
