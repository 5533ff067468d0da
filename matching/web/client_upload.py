"""Uploading many clients at once as CSV or XLSX, and the template to fill in.

The file is taken whole or not at all (services/imports.py); on any problem the page shows a
report naming row, column and problem, and nothing is saved. The routes belong to the clients
blueprint (`clients.upload`, `clients.upload_template`).
"""

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from matching.services.imports import CLIENT_COLUMNS, CLIENT_EXAMPLE, ImportRejected
from matching.services.imports import import_clients as run_import
from matching.uploads import UnreadableFile, read_rows, template_csv, template_xlsx
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.client_forms import UploadForm
from matching.web.clients import blueprint
from matching.web.import_report import COLUMN_LABELS, column_label, file_text, problem_text
from matching.workflow.states import Role

_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _limit_mb() -> int:
    return max(1, int(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024))


@blueprint.route("/clienten/uploaden", methods=["GET", "POST"])
@roles_required(Role.CARE_PROVIDER)
def upload() -> Any:
    """Register many clients at once from a CSV or XLSX file: all rows or none."""
    form = UploadForm()
    report: list[tuple[int, str, str]] = []
    status = 200
    if form.validate_on_submit():
        storage = form.file.data
        try:
            rows = read_rows(storage.filename or "", storage.read())
            created = run_import(db_session(), rows=rows, actor=current_actor())
        except ImportRejected as error:
            report = [
                (p.row, column_label(p.column) if p.column else "–", problem_text(p))
                for p in error.problems
            ]
            status = 422
        except UnreadableFile as error:
            form.file.errors = [*form.file.errors, file_text(error)]
            status = 422
        else:
            flash(ngettext("%(num)s cliënt is aangemeld.", "%(num)s cliënten zijn aangemeld.",
                           len(created)), "success")
            return redirect(url_for("clients.index", state="registered"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "clients/upload.html", form=form, report=report, limit_mb=_limit_mb(),
        columns=[(c, COLUMN_LABELS.get(c, "")) for c in CLIENT_COLUMNS],
    ), status


@blueprint.get("/clienten/sjabloon.<fmt>")
@roles_required(Role.CARE_PROVIDER)
def upload_template(fmt: str):
    """Download the client upload template (CSV or XLSX): the header and one example row."""
    if fmt == "csv":
        data = template_csv(CLIENT_COLUMNS, CLIENT_EXAMPLE)
    elif fmt == "xlsx":
        data = template_xlsx(CLIENT_COLUMNS, CLIENT_EXAMPLE, title="Cliënten")
    else:
        abort(404)
    return Response(data, mimetype=_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="clienten-sjabloon.{fmt}"',
    })
