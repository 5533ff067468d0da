"""The report pages: the quarter's key figures, the year report with its steering figures,
and their downloads as CSV or XLSX in the page's language."""

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from matching.quarters import Quarter, parse_quarter, quarter_of
from matching.queries.reports import (
    ReportLabels,
    latest_quarter_with_dwellings,
    report_labels,
)
from matching.reports import quarter_report, year_report
from matching.reports.steering import SteeringFigures, sees_steering, steering_figures
from matching.reports.tables import Table, figures_tables, report_tables, rows_table
from matching.services.closing import close_quarter, quarter_closure
from matching.services.errors import Conflict
from matching.vocabulary import utcnow
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.i18n import language
from matching.web.i18n import quarter as quarter_name
from matching.web.i18n import text as _
from matching.web.recent_reports import PageFigures, page_figures
from matching.web.report_downloads import download as attachment
from matching.web.report_downloads import named
from matching.web.report_format import figure_number, figure_pct, half_name, rung_label
from matching.web.report_labels import title as table_title
from matching.web.sign_in_steps import requires_recent_sign_in
from matching.workdays import local_date

blueprint = Blueprint("reports", __name__)

READERS = ("analyst", "matcher", "corporation", "admin")
_YEAR = re.compile(r"^\d{4}$")

# The steering figures a page download offers on its own: its address, and the report
# section or steering figure it writes.
REPORT_FIGURES = {
    "spreiding": "spreading",
    "wachtenden-per-zorgaanbieder": "waiting_per_care_provider",
    "contingenten": "contingents",
    "omklap-instellingswoningen": "institution_flips",
}
STEERING_FIGURES = {
    "balans": "balance",
    "verdeelbesluit": "allocation",
    "statushouders": "statushouders",
}


def _today_quarter() -> str:
    return quarter_of(local_date(utcnow()))


def chosen_quarter() -> Quarter:
    """The quarter asked for (`?kwartaal=`), else the latest with dwellings up to today."""
    text = request.args.get("kwartaal") or latest_quarter_with_dwellings(
        db_session(), _today_quarter())
    try:
        return parse_quarter(text)
    except ValueError:
        abort(404)


def _year(text: str | None) -> int:
    """A year written as four digits between 2000 and 2100, else the page does not exist."""
    if text is None or not _YEAR.match(text) or not 2000 <= int(text) <= 2100:
        abort(404)
    return int(text)


def _chosen_year() -> int:
    """The year asked for, else the year of the latest quarter with dwellings."""
    text = request.args.get("jaar")
    if text is None:
        text = latest_quarter_with_dwellings(db_session(), _today_quarter())[:4]
    return _year(text)


def _totals(report: dict) -> dict[str, int | None]:
    quotas = report["quotas"]
    waiting = [row["waiting"] for row in report["waiting"] if row["waiting"] is not None]
    return {
        "quota": sum(row["quota"] for row in quotas),
        "submitted": sum(row["submitted"] for row in quotas),
        "backlog": sum(row["backlog"] for row in quotas),
        "waiting": sum(waiting) if report["scope"] == "all" else None,
    }


blueprint.add_app_template_filter(figure_number, "figure_number")
blueprint.add_app_template_filter(figure_pct, "figure_pct")
blueprint.add_app_template_filter(half_name, "half_name")
blueprint.add_app_template_filter(rung_label, "rung_label")


@blueprint.get("/rapportages")
@roles_required(*READERS)
def index():
    """Show the key figures of a quarter: quotas, matching, waiting, leases."""
    quarter = chosen_quarter()
    shared = _quarter_figures(str(quarter))
    report = shared.figures
    previous, following = str(quarter.previous), str(quarter.following)
    labels = report_labels(db_session(), (r["reason_code"] for r in report["matching"]["reasons"]))
    closure = quarter_closure(db_session(), str(quarter))
    # Only the agency closes a quarter, and only once it has ended.
    may_close = (closure is None and current_actor().role == "matcher"
                 and quarter.last_day < local_date(utcnow()))
    return render_template(
        "reports/index.html", report=report, quarter=str(quarter), previous=previous,
        following=following, totals=_totals(report), closure=closure, may_close=may_close,
        year=quarter.year, shows_steering=sees_steering(current_actor()),
        computed_at=shared.computed_at, sections=_sections(shared, labels, quarter.year),
    )


def _quarter_figures(quarter: str) -> PageFigures:
    """The quarter's report for the page and its downloads, shared for a short while."""
    return page_figures("quarter", quarter, lambda: quarter_report(
        db_session(), quarter=quarter, actor=current_actor()))


# The quarter page's sections as written for the figures they show: shared figures are
# shown again and again, and writing their hundreds of numbers into the tables was most of
# the page's work. What the sections are written from is the key: the figures (which never
# change under their key and moment), the labels, the year and the language. This process's
# own memo of the last few; a view that misses it writes the sections as before.
_SECTIONS: dict[tuple[Any, ...], Markup] = {}
_SECTIONS_KEPT = 32


def _sections(shared: PageFigures, labels: ReportLabels, year: int) -> Markup:
    groups = sorted((code, row.label_nl, row.label_en)
                    for code, row in labels.target_groups.items())
    reasons = sorted((code, row.label_nl, row.label_en) for code, row in labels.reasons.items())
    key = (shared.key, shared.computed_at, language(), year, tuple(groups), tuple(reasons))
    written = _SECTIONS.get(key)
    if written is None:
        if len(_SECTIONS) >= _SECTIONS_KEPT:
            _SECTIONS.clear()
        written = _SECTIONS[key] = Markup(render_template(
            "reports/_sections.html", report=shared.figures, labels=labels, yearly=False,
            year=year))
    return written


@blueprint.get("/rapportages/jaar")
@roles_required(*READERS)
def year():
    """Show a year's report, with the steering figures for the agency and the municipality."""
    chosen = _chosen_year()
    report = year_report(db_session(), year=chosen, actor=current_actor())
    labels = report_labels(db_session(), (r["reason_code"] for r in report["matching"]["reasons"]))
    steering = steering_figures(db_session(), year=chosen, actor=current_actor())
    return render_template(
        "reports/year.html", report=report, year=chosen, totals=_totals(report), labels=labels,
        steering=steering, quarters=[f"{chosen}Q{n}" for n in range(1, 5)],
        report_figures={section: address for address, section in REPORT_FIGURES.items()},
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


def _report_for_download(report: dict[str, Any]) -> dict[str, Any]:
    reasons = (r["reason_code"] for r in report["matching"]["reasons"])
    return named(report, report_labels(db_session(), reasons))


def _figure_tables(name: str, figure: dict[str, Any] | list[dict[str, Any]] | None
                   ) -> list[Table]:
    if isinstance(figure, dict):
        return figures_tables(name, figure)
    table = rows_table(name, figure or [])
    return [table] if table is not None else []


def _steering_tables(steering: SteeringFigures) -> list[Table]:
    return [table for name in STEERING_FIGURES.values()
            for table in _figure_tables(name, steering.figure(name))]


@blueprint.get("/rapportages/<quarter>.<extension>")
@roles_required(*READERS)
@requires_recent_sign_in
def download(quarter: str, extension: str):
    """Download the quarterly report as CSV or XLSX, in the page's language."""
    try:
        quarter = str(parse_quarter(quarter))  # as written in the shared figures' key
    except ValueError:
        abort(404)
    report = _quarter_figures(quarter).figures
    return attachment(report_tables(_report_for_download(report)),
                      title=_("Kerncijfers %(quarter)s", quarter=quarter_name(quarter)),
                      filename=f"rapportage-{quarter}", extension=extension)


@blueprint.get("/rapportages/jaar/<year>.<extension>")
@roles_required(*READERS)
@requires_recent_sign_in
def year_download(year: str, extension: str):
    """Download the year report, with the steering figures the reader may see."""
    chosen = _year(year)
    report = year_report(db_session(), year=chosen, actor=current_actor())
    steering = steering_figures(db_session(), year=chosen, actor=current_actor())
    tables = report_tables(_report_for_download(report)) + _steering_tables(steering)
    return attachment(tables, title=_("Jaarrapportage %(year)s", year=chosen),
                      filename=f"rapportage-{chosen}", extension=extension)


@blueprint.get("/rapportages/jaar/<year>/<figure>.<extension>")
@roles_required(*READERS)
@requires_recent_sign_in
def figure_download(year: str, figure: str, extension: str):
    """Download one steering figure of a year (the 30% balance, the verdeelbesluit, ...)."""
    chosen = _year(year)
    if figure in STEERING_FIGURES:
        name = STEERING_FIGURES[figure]
        steering = steering_figures(db_session(), year=chosen, actor=current_actor())
        if not steering.shows(name):
            abort(403)
        data = steering.figure(name)
    elif figure in REPORT_FIGURES:
        name = REPORT_FIGURES[figure]
        data = year_report(db_session(), year=chosen, actor=current_actor()).get(name)
    else:
        abort(404)
    if data is None:  # no reference figures that year, or a section the report lacks
        abort(404)
    return attachment(_figure_tables(name, data), title=f"{table_title(name)} {chosen}",
                      filename=f"rapportage-{chosen}-{figure}", extension=extension)
