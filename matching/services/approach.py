"""The start of the 2019 approach (1 August 2019, Bijlage 5): the year task pro-rated over
the months that remain, a policy choice the administrator confirms.

The first month the approach applies in is a year parameter (`approach_start_month`, 8 for
2019, 1 from 2020). In a year that starts the approach after January the planning page shows
the full-year task and its quarter split beside the pro-rated task and its split, flagged as
a policy choice. Until an administrator confirms it the quotas follow the full-year task; once
confirmed, quarters before the start have no quota and the pro-rated task is split over the
months that remain (385 x 5/12 = 160 for 2019: Q3 64, Q4 96).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from matching import planning
from matching.access import require_role
from matching.models import PolicyConfirmation, User
from matching.parameters import YearParameters, year_parameters
from matching.quarters import Quarter
from matching.services.errors import Conflict
from matching.services.unit_of_work import commit, service
from matching.vocabulary import Role, utcnow

APPROACH_START = "approach_start"


@dataclass(frozen=True)
class QuotaBasis:
    """What the year's quotas are split from: the task and each quarter's weight."""

    task: int
    quarter_weights: tuple[int, ...]


@dataclass(frozen=True)
class ApproachPlan:
    year: int
    start_month: int
    first_quarter: str  # the first quarter with a quota under the approach, like 2019Q3
    months: int  # months of the year the approach applies in
    full_task: int
    pro_rated_task: int
    full_quarters: tuple[int, ...]  # the full-year task split over the four quarters
    pro_rated_quarters: tuple[int, ...]  # the pro-rated task over the months that remain
    full_instroom: int
    pro_rated_instroom: int
    confirmed_at: datetime | None
    confirmed_by: str | None

    @property
    def starts_within_year(self) -> bool:
        """Whether the approach starts after January, so the year has a policy choice."""
        return self.start_month > 1

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def quarters_in_force(self) -> tuple[int, ...]:
        return self.pro_rated_quarters if self.confirmed else self.full_quarters


def quota_basis(session: Session, year: int, parameters: YearParameters | None = None
                ) -> QuotaBasis:
    """The task and quarter weights the year's quotas are split from."""
    params = parameters or year_parameters(session, year)
    start = params.approach_start_month
    if start > 1 and session.get(PolicyConfirmation, (year, APPROACH_START)) is not None:
        return QuotaBasis(planning.pro_rated_task(params.mobw_task, start),
                          planning.approach_months(start))
    return QuotaBasis(params.mobw_task, planning.QUARTERS)


def approach_plan(session: Session, year: int) -> ApproachPlan:
    """The year's task in full and pro-rated from the approach's start, with the quarter
    splits of both and whether an administrator confirmed the pro-rated one."""
    params = year_parameters(session, year)
    start = params.approach_start_month
    months = planning.approach_months(start)
    pro_rated = planning.pro_rated_task(params.mobw_task, start)
    full_split = planning.largest_remainder(params.mobw_task, planning.QUARTERS)
    pro_split = planning.largest_remainder(pro_rated, months)
    confirmation = session.get(PolicyConfirmation, (year, APPROACH_START))
    by = None
    if confirmation is not None and confirmation.actor_user_id is not None:
        user = session.get(User, confirmation.actor_user_id)
        by = user.email if user is not None else None
    first = next(q for q, m in enumerate(months, start=1) if m)
    return ApproachPlan(
        year=year, start_month=start, first_quarter=str(Quarter(year, first)),
        months=sum(months), full_task=params.mobw_task, pro_rated_task=pro_rated,
        full_quarters=tuple(full_split), pro_rated_quarters=tuple(pro_split),
        full_instroom=planning.instroom_total(params.mobw_task, params.instroom_share_pct),
        pro_rated_instroom=planning.instroom_total(pro_rated, params.instroom_share_pct),
        confirmed_at=confirmation.at if confirmation is not None else None, confirmed_by=by,
    )


@service
def confirm_approach_start(
    session: Session, *, year: int, actor: Any, now: datetime | None = None
) -> PolicyConfirmation:
    """Confirm, as administrator, that the year's quotas follow the task pro-rated from the
    approach's start; once only (a second confirmation, or a race lost, is a conflict)."""
    require_role(actor, Role.ADMIN)
    if year_parameters(session, year).approach_start_month <= 1:
        raise Conflict(f"the approach applies from January in {year}: nothing to confirm")
    if session.get(PolicyConfirmation, (year, APPROACH_START)) is not None:
        raise Conflict(f"the pro-rated task of {year} is confirmed already")
    row = PolicyConfirmation(year=year, subject=APPROACH_START,
                             actor_user_id=getattr(actor, "id", None), at=now or utcnow())
    session.add(row)
    commit(session)  # a confirmation that won a race first is refused by the key: Conflict
    return row
