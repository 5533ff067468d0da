"""Assemble the quarterly and the annual report for one reader.

Every section describes the state at the end of `as_of` (the period's last day once it has
ended, else today), rebuilt from the event history, so a past period's figures do not move
as time passes. A closed quarter (see matching.services.closing) is served from the
snapshot stored when it was closed: `frozen` is then true and nothing in it changes again.
A quarter report also lists `corrections`: figures of earlier closed quarters (of the same
and the previous year) whose value, recomputed now as of that quarter's last day, differs
from the published one (see matching.reports.corrections).
"""

import copy
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from matching.access import require_role
from matching.errors import ValidationFailed
from matching.history import end_of_day
from matching.late_changes import reached_since_closing
from matching.models import ClosedQuarter, Organisation, User
from matching.quarters import Quarter, parse_quarter
from matching.reports import sections
from matching.reports.citydeal import citydeal_section
from matching.reports.corrections import differences
from matching.reports.hotels_and_origin import hotel_outflow, origin_inflow
from matching.reports.institution_flips import institution_flips
from matching.reports.period import SUPPRESS_BELOW, Period, Reader
from matching.reports.spreading import spreading
from matching.shared_reads import expect_moments, once, shared_reads
from matching.vocabulary import OrganisationKind, Role, utcnow
from matching.workdays import local_date

REPORT_ROLES = (Role.MATCHER, Role.ANALYST, Role.CORPORATION, Role.ADMIN)
CORRECTION_YEARS = 1  # corrections cover closed quarters of this many years back, and this one


def scope_key(reader: Reader) -> str:
    """The snapshot a reader gets: `all`, `suppressed` (municipality) or `corporation:<id>`."""
    if reader.corporation_id is not None:
        return f"corporation:{reader.corporation_id}"
    return "suppressed" if reader.suppresses_small_counts else "all"


def snapshot_readers(session: Session) -> dict[str, Reader]:
    """One reader per snapshot kept of a closed quarter: all, suppressed, each corporation."""
    readers = {"all": Reader(role=Role.MATCHER, organisation_id=0),
               "suppressed": Reader(role=Role.ANALYST, organisation_id=0)}
    for organisation in session.exec(
        select(Organisation).where(Organisation.kind == OrganisationKind.CORPORATION)
    ):
        assert organisation.id is not None
        reader = Reader(role=Role.CORPORATION, organisation_id=organisation.id)
        readers[scope_key(reader)] = reader
    return readers


def quarter_period(quarter: Quarter) -> Period:
    return Period("quarter", str(quarter), quarter.year, quarter.first_day, quarter.last_day)


def figures(session: Session, period: Period, reader: Reader, as_of: date) -> dict[str, Any]:
    """The report's sections as of the end of `as_of`."""
    return {
        "quotas": sections.quotas(session, period, reader, as_of),
        "matching": sections.matching(session, period, reader, as_of),
        "speed": sections.speed(session, period, reader, as_of),
        "waiting": sections.waiting(session, period, reader, as_of),
        "waiting_per_care_provider": sections.waiting_per_care_provider(
            session, period, reader, as_of),
        "contingents": sections.contingents(session, period, reader, as_of),
        "leases": sections.leases(session, period, reader, as_of),
        "institution_flips": institution_flips(session, period, reader, as_of),
        "spreading": spreading(session, period, reader, as_of),
        "hotel_outflow": hotel_outflow(session, period, reader, as_of),
        "origin_inflow": origin_inflow(session, period, reader, as_of),
        "citydeal": citydeal_section(session, period, reader, as_of),
    }


def closed_by(session: Session, user_id: int) -> dict[str, Any]:
    """Who closed a quarter: the user's id and e-mail and the organisation's name."""
    user = session.get(User, user_id)
    organisation = session.get(Organisation, user.organisation_id) if user else None
    return {"id": user_id, "email": user.email if user else None,
            "organisation": organisation.name if organisation else None}


def json_default(value: Any) -> Any:
    """Dates as YYYY-MM-DD, amounts as numbers: how a report's values are written in JSON."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def jsonable(report: dict[str, Any]) -> dict[str, Any]:
    """The report as it reads back from JSON (what a snapshot stores)."""
    loaded: dict[str, Any] = json.loads(json.dumps(report, default=json_default))
    return loaded


def _build(session: Session, period: Period, reader: Reader, today: date | None,
           generated_at: datetime | None = None) -> dict[str, Any]:
    as_of = min(today or local_date(utcnow()), period.last_day)
    report: dict[str, Any] = {
        "period": period.as_dict(),
        "as_of": as_of.isoformat(),
        "generated_at": (generated_at or utcnow()).isoformat(),
    }
    if period.kind == "quarter":
        report.update({"frozen": False, "closed_at": None, "closed_by": None})
    report.update({
        "scope": "own_figures" if reader.corporation_id is not None else "all",
        "suppressed_below": SUPPRESS_BELOW if reader.suppresses_small_counts else None,
    })
    with shared_reads(session):  # the sections and the corrections read some rows alike
        expect_moments(session, [end_of_day(day) for day in _days_read(session, period, as_of)])
        report.update(figures(session, period, reader, as_of))
        if period.kind == "quarter":
            report["corrections"] = corrections(session, parse_quarter(period.code), reader)
    return report


def _days_read(session: Session, period: Period, as_of: date) -> list[date]:
    """The days whose end a report reads the history at: its own `as_of` and, for a quarter,
    the last days of the closed quarters its corrections recompute."""
    if period.kind != "quarter":
        return [as_of]
    return [as_of] + [parse_quarter(code).last_day
                      for code in to_recompute(session, parse_quarter(period.code))]


def to_recompute(session: Session, quarter: Quarter) -> list[str]:
    """The closed quarters before `quarter` (this year and the previous one) whose figures
    may have moved since they were closed: those a late change reached back into. The
    others would be recomputed to exactly what they published (matching/late_changes.py).
    Asked once per build (closing builds a report for every reader scope)."""
    return once(session, ("to recompute", str(quarter)),
                lambda: _reached_closed_quarters(session, quarter))


def _reached_closed_quarters(session: Session, quarter: Quarter) -> list[str]:
    closed = session.exec(
        select(ClosedQuarter.quarter, ClosedQuarter.late_changes_seen).where(
            ClosedQuarter.quarter >= f"{quarter.year - CORRECTION_YEARS}Q1",
            ClosedQuarter.quarter < str(quarter),
        ).order_by(ClosedQuarter.quarter)
    ).all()
    return [code for code, seen in closed
            if reached_since_closing(session, parse_quarter(code).last_day, seen)]


def corrections(session: Session, quarter: Quarter, reader: Reader) -> list[dict[str, Any]]:
    """Changes since to figures of the closed quarters before `quarter` (this year and the
    previous one), each recomputed as of its quarter's last day, for this reader's scope."""
    found: list[dict[str, Any]] = []
    key = scope_key(reader)
    for code in to_recompute(session, quarter):
        # Only this scope's snapshot: a closed quarter holds one for every corporation.
        published = session.exec(
            select(ClosedQuarter.snapshots[key]).where(ClosedQuarter.quarter == code)).one()
        if published is None:
            continue
        earlier = parse_quarter(code)
        current = jsonable(figures(session, quarter_period(earlier), reader, earlier.last_day))
        found.extend(differences(code, published, current))
    return found


def frozen_report(session: Session, quarter: Quarter, reader: Reader) -> dict[str, Any] | None:
    """The stored snapshot of a closed quarter for this reader, or None while it is open."""
    row = session.get(ClosedQuarter, str(quarter))
    if row is None:
        return None
    snapshot = row.snapshots.get(scope_key(reader))
    if snapshot is None:  # a corporation that did not exist when the quarter was closed
        snapshot = jsonable(_build(session, quarter_period(quarter), reader, quarter.last_day,
                                   generated_at=row.closed_at))
        snapshot.update({"frozen": True, "closed_at": row.closed_at.isoformat(),
                         "closed_by": closed_by(session, row.closed_by_user_id)})
    return copy.deepcopy(snapshot)


def quarter_report(
    session: Session, *, quarter: str, actor: Any, today: date | None = None
) -> dict[str, Any]:
    """Return the quarterly monitoring report (quarter written like 2019Q3)."""
    require_role(actor, *REPORT_ROLES)
    try:
        parsed = parse_quarter(quarter)
    except ValueError as error:
        raise ValidationFailed({"quarter": str(error)}) from None
    reader = Reader(role=actor.role, organisation_id=actor.organisation_id)
    frozen = frozen_report(session, parsed, reader)
    if frozen is not None:
        return frozen
    return _build(session, quarter_period(parsed), reader, today)


def quarter_snapshots(session: Session, quarter: Quarter, *, closed_at: datetime,
                      by: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The report of an ended quarter for every reader scope, as it is frozen on closing."""
    snapshots = {}
    with shared_reads(session):  # every scope counts the same rows, filtered its own way
        for key, reader in snapshot_readers(session).items():
            report = _build(session, quarter_period(quarter), reader, quarter.last_day,
                            generated_at=closed_at)
            report.update({"frozen": True, "closed_at": closed_at.isoformat(),
                           "closed_by": by})
            snapshots[key] = jsonable(report)
    return snapshots


def year_report(
    session: Session, *, year: int, actor: Any, today: date | None = None
) -> dict[str, Any]:
    """Return the annual monitoring report."""
    require_role(actor, *REPORT_ROLES)
    if not 2000 <= year <= 2100:
        raise ValidationFailed({"year": "give a year between 2000 and 2100"})
    reader = Reader(role=actor.role, organisation_id=actor.organisation_id)
    period = Period("year", str(year), year, date(year, 1, 1), date(year, 12, 31))
    return _build(session, period, reader, today)
