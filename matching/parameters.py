"""Year parameters: a value applies from its year until a later year names it again."""

from dataclasses import dataclass, field, fields
from decimal import Decimal

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from matching.models import YearParameter
from matching.workdays import WorkCalendar


@dataclass(frozen=True)
class YearParameters:
    """The policy values in force in one year. Defaults hold when the reference data is silent."""

    year: int
    mobw_task: int = 385
    mobw_regular: int = 275
    mobw_catch_up: int = 110
    mobw_total_lettings: int = 2400
    instroom_share_pct: Decimal = Decimal("20")
    # The first month of the year the 2019 approach applies in (1 August 2019: 8); quarters
    # before it have no quota once the administrator confirms the pro-rated task.
    approach_start_month: int = 1
    # Statushouders: persons per dwelling, to turn the half-year task in persons into dwellings.
    persons_per_dwelling: Decimal = Decimal("2")
    candidates_per_round: int = 3
    aftoppingsgrens_low: Decimal = Decimal("597.30")
    aftoppingsgrens_high: Decimal = Decimal("640.14")
    kwaliteitskortingsgrens: Decimal = Decimal("424.44")
    max_rent_housing_benefit: Decimal = Decimal("710.68")
    housing_benefit_income_limit_single: int = 22700
    housing_benefit_income_limit_multi: int = 30825
    youth_max_net_rent: Decimal = Decimal("250")
    # Housing benefit of a young adult in a self-contained dwelling below the young-person
    # limit: the plan's one example (2017 price level), an assumption for every year.
    youth_housing_benefit: Decimal = Decimal("188")
    # SSH: at most this share of a student complex's self-contained units for special groups.
    student_complex_special_share_pct: Decimal = Decimal("15")
    persons_per_room_max: int = 2
    min_floor_area_per_person_m2: int = 12
    priority_lettings_guideline_pct: Decimal = Decimal("30")
    # How many points a year's priority share may lie from the guideline before the balance
    # report flags it; the seeds give no tolerance (domain brief s8, scenario 6: a PARAM).
    priority_lettings_tolerance_pct: Decimal = Decimal("2")
    # The verdeelbesluit's year-end forecast band, in percent of its places (reports/
    # allocation.py): if realisation mirrors 2024 (56% by the end of October) the year ends
    # at 70-80% [002]; an assumption for every year until a year sets its own.
    allocation_forecast_low_pct: Decimal = Decimal("70")
    allocation_forecast_high_pct: Decimal = Decimal("80")
    # Ranking policy weights (matching/engine/ranking.py), in whole points.
    ranking_points_per_waiting_day: int = 1
    ranking_ambition_bonus: int = 30
    ranking_provider_fairness: int = 60
    ranking_group_priority: int = 45
    flip_review_months: int = 24
    flip_review_notice_months: int = 3
    flip_extension_max_months: int = 12
    campus_max_years: int = 5
    campus_notice_months: int = 6
    decision_working_days: int = 5
    decision_reminder_working_days: int = 3
    offer_answer_working_days: int = 5
    at_risk_working_days: int = 20
    release_working_days: int = 30
    waiting_ambition_months: int = 3
    # 1: Good Friday is a day off for the deadlines (the Algemene termijnenwet does not count it).
    good_friday_is_holiday: int = 0
    # Months after leaving the process before a client's personal fields are erased
    # (product.md section 9); the value in force in the year `tick` runs applies.
    retention_months: int = 24
    # Peaks of earmarked submissions (submission_peaks.py): open dwellings of one project above
    # the threshold warn the agency; the release schedule keeps to the monthly capacity.
    submission_peak_threshold: int = 50
    agency_monthly_capacity: int = 92
    # Supply filtering (supply_filter.py): the largest dwelling counted as suitable supply.
    supply_max_rooms: int = 3
    supply_max_floor_area_m2: int = 75
    # For each value: the year whose row supplied it (None: the built-in default).
    supplied_by: dict[str, int | None] = field(default_factory=dict, compare=False)

    @property
    def calendar(self) -> WorkCalendar:
        """The working days the deadlines of this year count in."""
        return WorkCalendar(good_friday_off=bool(self.good_friday_is_holiday))

    @property
    def carried_forward(self) -> dict[str, int]:
        """The values that come from an earlier year than this one."""
        return {k: y for k, y in self.supplied_by.items() if y is not None and y < self.year}


_FIELD_TYPES = {
    f.name: f.type for f in fields(YearParameters) if f.name not in ("year", "supplied_by")
}


# session.info key: the parameters resolved in this transaction, by year. A service reads
# them in several places (the engine, the round size, the deadlines); they are read once per
# transaction, and again after a change to a parameter row is flushed or pending.
_RESOLVED = "matching.parameters.resolved"


def year_parameters(session: Session, year: int) -> YearParameters:
    """Resolve the parameters for `year` from the latest row per name at or before it."""
    known: dict[int, YearParameters] = session.info.get(_RESOLVED, {})
    # A pending change is not in what was resolved before; reading the rows flushes it.
    if year in known and not _parameter_rows_pending(session):
        return known[year]
    found = _resolve(session, year)
    # Taken after reading: the read's flush of a change forgets what was resolved before.
    session.info.setdefault(_RESOLVED, {})[year] = found
    return found


def _parameter_rows_pending(session: OrmSession) -> bool:
    return any(isinstance(row, YearParameter)
               for row in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(OrmSession, "before_flush")
def _forget_on_change(session: OrmSession, _context: object, _instances: object) -> None:
    # A change flushed without a read after it (an explicit flush) must not be answered
    # with the values from before it.
    if _parameter_rows_pending(session):
        session.info.pop(_RESOLVED, None)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_at_end(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_RESOLVED, None)


def _resolve(session: Session, year: int) -> YearParameters:
    rows = session.exec(
        select(col(YearParameter.name), col(YearParameter.year), col(YearParameter.value))
        .where(YearParameter.year <= year)
        .order_by(col(YearParameter.year))
    ).all()
    values: dict[str, object] = {}
    supplied: dict[str, int | None] = dict.fromkeys(_FIELD_TYPES)
    for name, row_year, value in rows:  # ascending years: later rows replace earlier ones
        if name in _FIELD_TYPES:
            kind = _FIELD_TYPES[name]
            values[name] = int(value) if kind in (int, "int") else Decimal(value)
            supplied[name] = row_year
    return YearParameters(year=year, supplied_by=supplied, **values)  # type: ignore[arg-type]


class ParametersByYear:
    """Year parameters looked up once per year, for work that spans many years (a tick)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_year: dict[int, YearParameters] = {}

    def __call__(self, year: int) -> YearParameters:
        if year not in self.by_year:
            self.by_year[year] = year_parameters(self.session, year)
        return self.by_year[year]
