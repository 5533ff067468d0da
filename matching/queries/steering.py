"""Read side of the steering inputs: the total lettings entered per quarter and the
statushouder half-years whose rung an administrator may record (services/steering.py writes
them)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from matching.access import require_role
from matching.errors import NotFound, ValidationFailed
from matching.models import StatushouderRung, TotalLettingsQuarter
from matching.quarters import parse_quarter
from matching.reports.balance import STEERING_ROLES
from matching.reports.build import closed_by
from matching.reports.statushouders import statushouder_halves_figures
from matching.vocabulary import Role

# Who enters the inputs: the agency and the administrator (the rung: the administrator only).
ENTERING_ROLES = (Role.MATCHER, Role.ADMIN)


@dataclass(frozen=True)
class LettingsEntry:
    quarter: str
    total: int
    source: str
    set_by: dict[str, Any] | None  # id, email and organisation of who entered it
    set_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"quarter": self.quarter, "total": self.total, "source": self.source,
                "set_by": self.set_by, "set_at": self.set_at}


@dataclass(frozen=True)
class RungEntry:
    half: str
    rung: int
    note: str
    set_by: dict[str, Any] | None
    set_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"half": self.half, "rung": self.rung, "note": self.note,
                "set_by": self.set_by, "set_at": self.set_at}


@dataclass(frozen=True)
class HalfYearRow:
    """A half-year of the task table as the rung form shows it."""

    half: str
    task: int
    rung: int | None  # the recorded rung, else the computed one
    note: str
    recorded: RungEntry | None


def _who(session: Session, user_id: int | None) -> dict[str, Any] | None:
    return closed_by(session, user_id) if user_id is not None else None


def lettings_entry(session: Session, row: TotalLettingsQuarter) -> LettingsEntry:
    return LettingsEntry(row.quarter, row.total, row.source,
                         _who(session, row.set_by_user_id), row.set_at)


def rung_entry(session: Session, row: StatushouderRung) -> RungEntry:
    return RungEntry(row.half_year, row.rung, row.note, _who(session, row.set_by_user_id),
                     row.set_at)


def total_lettings(session: Session, *, quarter: str, actor: Any) -> LettingsEntry:
    """The total lettings entered for a quarter, or NotFound when nobody entered them."""
    require_role(actor, *STEERING_ROLES)
    try:
        code = str(parse_quarter(quarter))
    except ValueError as error:
        raise ValidationFailed({"quarter": str(error)}) from None
    row = session.get(TotalLettingsQuarter, code)
    if row is None:
        raise NotFound(f"no total lettings were entered for {code}")
    return lettings_entry(session, row)


def year_lettings(session: Session, *, year: int, actor: Any) -> dict[str, LettingsEntry]:
    """The quarters of `year` that have total lettings entered, by quarter code."""
    require_role(actor, *ENTERING_ROLES)
    rows = session.exec(select(TotalLettingsQuarter).where(
        col(TotalLettingsQuarter.quarter).startswith(f"{year}Q")))
    return {row.quarter: lettings_entry(session, row) for row in rows}


def statushouder_halves(session: Session, *, actor: Any) -> list[HalfYearRow]:
    """Every half-year of the task table, newest first, with its rung and who recorded it."""
    require_role(actor, *ENTERING_ROLES)
    recorded = {row.half_year: rung_entry(session, row)
                for row in session.exec(select(StatushouderRung))}
    return [HalfYearRow(figures.half, figures.task, figures.rung, figures.rung_note,
                        recorded.get(figures.half))
            for figures in statushouder_halves_figures(session, actor=actor)]
