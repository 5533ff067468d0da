"""The steering figures of one year, as far as the reader may see them and they exist.

The year page and its downloads show the 30% balance, the verdeelbesluit against its
realisation and the statushouder half-years next to the year report. Each comes from its own
service (balance, allocation, statushouders), which refuses roles outside its readers and
answers NotFound for a year without reference figures: here a refused role gets nothing
(the section is not shown) and a missing year gets None (the page says so in a sentence).
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from matching.errors import NotFound
from matching.reports.allocation import ALLOCATION_ROLES, allocation_report
from matching.reports.balance import STEERING_ROLES, Balance, balance
from matching.reports.statushouder_split import StatushouderSplit, statushouder_split
from matching.reports.statushouders import StatushouderHalf, statushouder_half


@dataclass(frozen=True)
class SteeringFigures:
    year: int
    shows_balance: bool = False
    shows_allocation: bool = False
    balance: Balance | None = None
    allocation: dict[str, Any] | None = None
    # "2025H1" and "2025H2", each None when the half-year has no task
    halves: dict[str, StatushouderHalf | None] = field(default_factory=dict)
    # the same half-years' tasks in dwellings, split over the corporations
    splits: dict[str, StatushouderSplit] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        """Whether the reader sees any steering figure at all."""
        return self.shows_balance or self.shows_allocation

    def shows(self, name: str) -> bool:
        """Whether the reader may see a figure: balance, allocation or statushouders."""
        return self.shows_allocation if name == "allocation" else self.shows_balance

    def figure(self, name: str) -> dict[str, Any] | list[dict[str, Any]] | None:
        """One figure as plain data for a download (None: not shown or not there)."""
        if not self.shows(name):
            return None
        if name == "balance":
            return asdict(self.balance) if self.balance is not None else None
        if name == "allocation":
            return self.allocation
        rows = [asdict(half) for half in self.halves.values() if half is not None]
        return rows or None


def sees_steering(actor: Any) -> bool:
    """Whether the reader sees any steering figure (the agency and the municipality do)."""
    return actor.role in STEERING_ROLES or actor.role in ALLOCATION_ROLES


def _or_none(work: Any) -> Any:
    try:
        return work()
    except NotFound:
        return None


def steering_figures(session: Session, *, year: int, actor: Any,
                     today: date | None = None) -> SteeringFigures:
    """The year's balance, verdeelbesluit and statushouder half-years for this reader."""
    shows_balance = actor.role in STEERING_ROLES
    shows_allocation = actor.role in ALLOCATION_ROLES
    halves = {
        f"{year}H{n}": _or_none(lambda n=n: statushouder_half(
            session, half=f"{year}H{n}", actor=actor))
        for n in (1, 2)
    } if shows_balance else {}
    return SteeringFigures(
        year=year,
        shows_balance=shows_balance,
        shows_allocation=shows_allocation,
        balance=_or_none(lambda: balance(session, year=year, actor=actor, today=today))
        if shows_balance else None,
        allocation=_or_none(lambda: allocation_report(session, year=year, actor=actor,
                                                      as_of=today))
        if shows_allocation else None,
        halves=halves,
        splits={code: statushouder_split(session, half)
                for code, half in halves.items() if half is not None},
    )
