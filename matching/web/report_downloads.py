"""The report pages' downloads: CSV and XLSX in the page's language (see
matching/reports/spreadsheet.py for the format), with target groups and reasons named as the
page names them."""

import copy
from typing import Any

from flask import Response, abort

from matching.queries.reports import ReportLabels
from matching.reports.spreadsheet import to_csv, to_xlsx
from matching.reports.tables import Table
from matching.web.i18n import label
from matching.web.report_labels import wording

EXTENSIONS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def named(report: dict[str, Any], labels: ReportLabels) -> dict[str, Any]:
    """A copy of the report whose target groups and rejection reasons read in the page's
    language (the report itself carries codes and Dutch labels)."""
    named = copy.deepcopy(report)
    for row in named.get("waiting") or []:
        group = labels.target_groups.get(row.get("target_group"))
        if group is not None:
            row["label"] = label(group)
    for row in (named.get("matching") or {}).get("reasons") or []:
        reason = labels.reasons.get(row.get("reason_code"))
        row["reason"] = label(reason) if reason is not None else row.get("reason_code")
    return named


def download(tables: list[Table], *, title: str, filename: str, extension: str) -> Response:
    """The tables as a CSV or XLSX attachment named `filename.extension`."""
    if extension not in EXTENSIONS:
        abort(404)
    headers = {"Content-Disposition": f'attachment; filename="{filename}.{extension}"'}
    if extension == "csv":
        return Response(to_csv(tables, wording(), title), headers=headers,
                        mimetype="text/csv", content_type="text/csv; charset=utf-8")
    return Response(to_xlsx(tables, wording(), title), mimetype=XLSX, headers=headers)
