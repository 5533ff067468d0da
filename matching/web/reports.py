"""The analyst's page: the quarter's key figures, and the report as CSV or XLSX."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from matching.quarters import Quarter, parse_quarter, quarter_of
from matching.queries.reports import latest_quarter_with_dwellings, report_labels
from matching.reports import quarter_report
from matching.reports.export import to_csv, to_xlsx
from matching.services.closing import close_quarter, quarter_closure
from matching.services.errors import Conflict, ValidationFailed
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
    closure = quarter_closure(db_session(), str(quarter))
    # Only the agency closes a quarter, and only once it has ended.
    may_close = (closure is None and current_actor().role == "matcher"
                 and quarter.last_day < local_date(utcnow()))
    return render_template(
        "reports/index.html", report=report, quarter=str(quarter), previous=previous,
        following=following, totals=_totals(report), labels=labels, closure=closure,
        may_close=may_close,
    )


@blueprint.post("/rapportages/<quarter>/vaststellen")
@roles_required("matcher")
def close(quarter: str):
    """Close (vaststellen) an ended quarter: its figures are frozen from now on."""
    try:
        parse_quarter(quarter)
    except ValueError:
        abort(404)
    try:
        close_quarter(db_session(), quarter=quarter, actor=current_actor())
    except Conflict:
        flash(_("Dit kwartaal kan niet worden vastgesteld: het is al vastgesteld of nog niet "
                "afgelopen."), "error")
    else:
        flash(_("Het kwartaal is vastgesteld: de cijfers veranderen niet meer."), "success")
    return redirect(url_for("reports.index", kwartaal=quarter))


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


