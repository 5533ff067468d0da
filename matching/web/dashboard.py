"""The demand-supply dashboard page for the agency and the municipality: each figure as a
chart (server-side SVG, matching/reports/charts.py) with its data table beside it."""

from typing import Any

from flask import Blueprint, Response, render_template
from markupsafe import Markup

from matching.models import TargetGroup
from matching.quarters import Quarter
from matching.queries.clients import target_groups_by_code
from matching.reports.charts import (
    LABEL_CHARACTERS,
    Guide,
    Series,
    bar_chart,
    shortened,
    stylesheet,
)
from matching.reports.dashboard import DASHBOARD_ROLES, dashboard
from matching.reports.sections import AMBITION_DAYS
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.i18n import label, language
from matching.web.i18n import quarter as quarter_name
from matching.web.i18n import text as _
from matching.web.recent_reports import page_figures
from matching.web.report_format import RUNG_NAMES, figure_number, figure_pct, half_name
from matching.web.reports import chosen_quarter

blueprint = Blueprint("dashboard", __name__)

READERS = tuple(str(role) for role in DASHBOARD_ROLES)

def _named(name: str, suppressed: bool) -> str:
    """A chart's row name; a suppressed row draws no bar, so its name says so (and the
    name is cut short first, so the note is never what is cut)."""
    if not suppressed:
        return name
    note = " (x)"  # as in the tables: not shown
    return shortened(name, LABEL_CHARACTERS - len(note)) + note


def _group_name(groups: dict[str, TargetGroup], code: str, fallback: str) -> str:
    return label(groups[code]) if code in groups else fallback


def _svg(text: str) -> Markup:
    # Safe to put in the page as it is: charts.py wrote it with ElementTree, which escapes
    # every name and number, and took out pygal's script.
    return Markup(text)


def _allocation_chart(allocation: dict[str, Any], locale: str) -> Markup:
    rows = allocation["groups"]
    return _svg(bar_chart(
        chart_id="grafiek-verdeelbesluit",
        title=_("Verdeelbesluit %(year)s en realisatie per groep", year=allocation["year"]),
        labels=[_named(row["group"], row["realised"] is None) for row in rows],
        series=[Series(_("Verdeelbesluit"), [row["places"] for row in rows]),
                Series(_("Gerealiseerd"), [row["realised"] for row in rows])],
        locale=locale,
    ))


def _waiting_charts(rows: list[dict[str, Any]], names: dict[str, str], locale: str
                    ) -> dict[str, Markup]:
    charts = {"waiting": _svg(bar_chart(
        chart_id="grafiek-wachtenden",
        title=_("Wachtende cliënten per doelgroep"),
        labels=[_named(names[row["target_group"]], row["suppressed"]) for row in rows],
        series=[Series(_("Wachtend"), [row["waiting"] for row in rows])],
        locale=locale,
    ))}
    waited = [row for row in rows if row["median_days"] is not None]
    if waited:
        charts["waits"] = _svg(bar_chart(
            chart_id="grafiek-wachttijd",
            title=_("Wachttijd in dagen per doelgroep tegen de ambitie van drie maanden"),
            labels=[names[row["target_group"]] for row in waited],
            series=[Series(_("Mediaan"), [row["median_days"] for row in waited]),
                    Series(_("90e percentiel"), [row["p90_days"] for row in waited])],
            guides=[Guide(AMBITION_DAYS, _("3 maanden"))],
            locale=locale,
        ))
    return charts


def _quota_chart(rows: list[dict[str, Any]], quarter: Quarter, locale: str) -> Markup:
    return _svg(bar_chart(
        chart_id="grafiek-quotum",
        title=_("Quotum en voordracht per corporatie, %(quarter)s",
                quarter=quarter_name(str(quarter))),
        labels=[row["corporation"] for row in rows],
        series=[Series(_("Quotum"), [row["quota"] for row in rows]),
                Series(_("Voorgedragen"), [row["submitted"] for row in rows])],
        locale=locale,
    ))


def statushouder_rows(half: dict[str, Any]) -> list[tuple[str, int | None]]:
    """The half-year's figures in the order of the province's letters."""
    return [
        (_("Taakstelling"), half["task"]),
        (_("Achterstand aan het begin"), half["backlog_start"]),
        (_("Totaalopgave"), half["total"]),
        (_("Gerealiseerd"), half["realised"]),
        (_("Achterstand aan het eind"), half["backlog_end"]),
    ]


def _statushouder_chart(half: dict[str, Any], locale: str) -> Markup:
    rows = statushouder_rows(half)
    return _svg(bar_chart(
        chart_id="grafiek-statushouders",
        title=_("Statushouders %(half)s: taakstelling, achterstand en realisatie (personen)",
                half=half_name(half["half"])),
        labels=[name for name, _value in rows],
        series=[Series(_("Personen"), [value for _name, value in rows])],
        locale=locale,
    ))


@blueprint.get("/dashboard")
@roles_required(*READERS)
def index() -> str:
    """Show the quarter's dashboard: verdeelbesluit, waiting, quotas and statushouders."""
    quarter = chosen_quarter()
    figures, computed_at, _key = page_figures("dashboard", str(quarter), lambda: dashboard(
        db_session(), quarter=str(quarter), actor=current_actor()))
    groups = target_groups_by_code(db_session())
    names = {row["target_group"]: _group_name(groups, row["target_group"], row["label"])
             for row in figures["waiting"]}
    locale = language()
    charts: dict[str, Markup] = {}
    if figures["allocation"] is not None:
        charts["allocation"] = _allocation_chart(figures["allocation"], locale)
    if figures["waiting"]:
        charts.update(_waiting_charts(figures["waiting"], names, locale))
    if figures["quotas"]:
        charts["quotas"] = _quota_chart(figures["quotas"], quarter, locale)
    if figures["statushouders"] is not None:
        charts["statushouders"] = _statushouder_chart(figures["statushouders"], locale)
    return render_template(
        "reports/dashboard.html", figures=figures, charts=charts, names=names,
        quarter=str(quarter), previous=str(quarter.previous), following=str(quarter.following),
        computed_at=computed_at,
        number=figure_number, percentage=figure_pct, half_name=half_name, rungs=RUNG_NAMES,
        statushouder_rows=(statushouder_rows(figures["statushouders"])
                           if figures["statushouders"] else []),
    )


@blueprint.get("/dashboard/grafieken.css")
@roles_required(*READERS)
def chart_styles() -> Response:
    """pygal's stylesheet for the charts (the page's policy refuses it inline)."""
    response = Response(stylesheet(), mimetype="text/css")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
