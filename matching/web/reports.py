"""The analyst's page: the quarter's key figures, and the report as CSV or XLSX."""

from flask import Blueprint, Response, abort, render_template, request

from matching.quarters import Quarter, parse_quarter, quarter_of
from matching.queries.reports import latest_quarter_with_dwellings, report_labels
from matching.reports import quarter_report
from matching.reports.export import to_csv, to_xlsx
from matching.services.errors import ValidationFailed
from matching.vocabulary import utcnow
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.workdays import local_date

blueprint = Blueprint("reports", __name__)

READERS = ("analyst", "matcher", "corporation", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chosen_quarter() -> Quarter:
    today = quarter_of(local_date(utcnow()))
    text = request.args.get("kwartaal") or latest_quarter_with_dwellings(db_session(), today)
    try:
        return parse_quarter(text)
    except ValueError:
        abort(404)


def _totals(report: dict) -> dict[str, int | None]:
    quotas = report["quotas"]
    waiting = [row["waiting"] for row in report["waiting"] if row["waiting"] is not None]
    return {
        "quota": sum(row["quota"] for row in quotas),
        "submitted": sum(row["submitted"] for row in quotas),
        "backlog": sum(row["backlog"] for row in quotas),
        "waiting": sum(waiting) if report["scope"] == "all" else None,
    }


@blueprint.get("/rapportages")
@roles_required(*READERS)
def index():
    """Show the key figures of a quarter: quotas, matching, waiting, leases."""
    quarter = _chosen_quarter()
    report = quarter_report(db_session(), quarter=str(quarter), actor=current_actor())
    previous, following = str(quarter.previous), str(quarter.following)
    labels = report_labels(db_session(), (r["reason_code"] for r in report["matching"]["reasons"]))
    return render_template(
        "reports/index.html", report=report, quarter=str(quarter), previous=previous,
        following=following, totals=_totals(report), labels=labels,
    )


@blueprint.get("/rapportages/<quarter>.<extension>")
@roles_required(*READERS)
def download(quarter: str, extension: str):
    """Download the quarterly report as CSV or XLSX."""
    if extension not in ("csv", "xlsx"):
        abort(404)
    try:
        report = quarter_report(db_session(), quarter=quarter, actor=current_actor())
    except ValidationFailed:
        abort(404)
    name = f"rapportage-{quarter}.{extension}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if extension == "csv":
        return Response(to_csv(report), mimetype="text/csv", headers=headers)
    return Response(to_xlsx(report), mimetype=XLSX, headers=headers)


