"""The quarterly and annual monitoring reports, as JSON, CSV or XLSX."""

import json
from dataclasses import asdict
from typing import Any

from flask import Response, request

from matching.reports import quarter_report, year_report
from matching.reports.allocation import ALLOCATION_ROLES, allocation_report
from matching.reports.balance import STEERING_ROLES, balance
from matching.reports.build import REPORT_ROLES, json_default
from matching.reports.export import to_csv, to_xlsx
from matching.reports.statushouder_split import statushouder_split
from matching.reports.statushouders import statushouder_half
from matching.services.closing import close_quarter as close
from matching.web import db_session
from matching.web.api import responses as out
from matching.web.api.auth import api_actor, roles
from matching.web.api.common import resource
from matching.web.api.schemas import (
    HalfPath,
    IdempotencyHeader,
    NoBody,
    QuarterPath,
    ReportQuery,
    YearPath,
)
from matching.web.api.serializers import answer

blueprint = resource("reports", "Monitoring reports: JSON, CSV (Accept: text/csv) or XLSX")


def _format(query: ReportQuery) -> str:
    """?format= decides; otherwise the Accept header may ask for CSV; JSON by default."""
    if query.format:
        return query.format
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return "csv" if best == "text/csv" else "json"


def _answer(report: dict[str, Any], query: ReportQuery, name: str) -> Response:
    kind = _format(query)
    if kind == "xlsx":
        return Response(to_xlsx(report), mimetype=out.XLSX, headers={
            "Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    if kind == "csv":
        return Response(to_csv(report), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"'})
    return Response(json.dumps(report, default=json_default), mimetype="application/json")


@blueprint.get("/reports/quarter/<quarter>", responses={200: out.ReportOut})
@roles(*REPORT_ROLES)
def get_quarter_report(path: QuarterPath, query: ReportQuery) -> Any:
    """Return the quarterly monitoring report (a corporation: its own figures), describing
    the end of `as_of` (the quarter's last day once ended, else today). A closed quarter is
    served from its snapshot (`frozen: true`); `corrections` lists changed figures of
    earlier closed quarters."""
    report = quarter_report(db_session(), quarter=path.quarter, actor=api_actor())
    return _answer(report, query, f"report-{path.quarter}")


@blueprint.post("/quarters/<quarter>/close", responses={200: out.QuarterClosedOut})
@roles("matcher")
def close_quarter(path: QuarterPath, body: NoBody, header: IdempotencyHeader) -> Any:
    """Close (vaststellen) an ended quarter: its report is frozen as a snapshot per reader
    and served unchanged from then on (`frozen: true`). Answers `quarter`, `closed_at` and
    `closed_by` (an object: the user's `id`, `email` and `organisation`). 409 when the
    quarter is closed already or has not ended yet (its last day is not before today in
    Utrecht); 422 for a malformed quarter."""
    closed = close(db_session(), quarter=path.quarter, actor=api_actor())
    return answer(out.QuarterClosedOut(**closed.as_dict()))


@blueprint.get("/reports/year/<year>", responses={200: out.ReportOut})
@roles(*REPORT_ROLES)
def get_year_report(path: YearPath, query: ReportQuery) -> Any:
    """Return the annual monitoring report (a corporation: its own figures)."""
    report = year_report(db_session(), year=path.year, actor=api_actor())
    return _answer(report, query, f"report-{path.year}")


@blueprint.get("/reports/allocation/<year>", responses={200: out.AllocationOut})
@roles(*ALLOCATION_ROLES)
def get_allocation_report(path: YearPath) -> Any:
    """Return the year's verdeelbesluit against the lets made so far (404: none that year)."""
    report = allocation_report(db_session(), year=path.year, actor=api_actor())
    return answer(out.AllocationOut(**report))


@blueprint.get("/reports/balance/<year>", responses={200: out.BalanceOut})
@roles(*STEERING_ROLES)
def get_balance_report(path: YearPath) -> Any:
    """Return priority against total lettings of a year: the 30% rule (404: no figures)."""
    figures = balance(db_session(), year=path.year, actor=api_actor())
    return answer(out.BalanceOut(**asdict(figures)))


@blueprint.get("/reports/statushouders/<half>", responses={200: out.StatushouderOut})
@roles(*STEERING_ROLES)
def get_statushouder_report(path: HalfPath) -> Any:
    """Return a statushouder half-year (like 2022H1): task, backlog, realised and rung."""
    figures = statushouder_half(db_session(), half=path.half, actor=api_actor())
    split = statushouder_split(db_session(), figures)
    return answer(out.StatushouderOut(
        **asdict(figures), persons_per_dwelling=float(split.persons_per_dwelling),
        dwellings_needed=split.dwellings_needed,
        per_corporation=[out.CorporationDwellingsOut(**asdict(c))
                         for c in split.per_corporation]))
