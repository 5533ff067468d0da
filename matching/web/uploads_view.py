"""The one flow of every upload page: read the file, import it whole or not at all, and show
a report of row, column and problem when it is refused; and the template to fill in.

An area's view (client_upload.py, dwelling_uploads.py) says only which import service to
call, what to say when it worked and where to go next. The page includes `_upload_form.html`.
"""

from collections.abc import Callable, Sequence
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from matching.services.imports import ImportRejected
from matching.upload_headers import dutch_columns, dutch_header, to_fields
from matching.uploads import UnreadableFile, read_rows, template_csv, template_xlsx
from matching.web import db_session
from matching.web.auth import current_actor
from matching.web.i18n import lazy_text as _l
from matching.web.import_report import COLUMN_LABELS, column_label, file_text, problem_text

_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadForm(FlaskForm):
    file = FileField(_l("Bestand (CSV of XLSX)"),
                     validators=[FileRequired(_l("Kies een bestand."))])


def upload_limit_mb() -> int:
    """The largest upload the application accepts, in whole megabytes (from app config)."""
    return max(1, int(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024))


def upload_page(
    *,
    run_import: Callable[..., Sequence[Any]],
    columns: Sequence[str],
    template: str,
    done: Callable[[int], str],
    next_url: Callable[[], str],
) -> Any:
    """Show the upload form; on a valid file call `run_import(session, rows=, actor=)`, flash
    `done(number imported)` and redirect to `next_url()`; else show the problems (422)."""
    form = UploadForm()
    report: list[tuple[int, str, str]] = []
    status = 200
    if form.validate_on_submit():
        storage = form.file.data
        try:
            rows = to_fields(read_rows(storage.filename or "", storage.read()))
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
            flash(done(len(created)), "success")
            return redirect(next_url())
    elif request.method == "POST":
        status = 422
    return render_template(
        template, form=form, report=report, limit_mb=upload_limit_mb(),
        columns=[(dutch_header(c), COLUMN_LABELS.get(c, ""), c) for c in columns],
    ), status


def template_file(
    fmt: str, *, columns: Sequence[str], example: dict[str, Any], title: str, filename: str
) -> Response:
    """The upload template as `<filename>.csv` or `.xlsx`: the header and one example row;
    any other format is a 404. The columns carry their Dutch names."""
    columns, example = dutch_columns(columns, example)
    if fmt == "csv":
        data = template_csv(columns, example)
    elif fmt == "xlsx":
        data = template_xlsx(columns, example, title=title)
    else:
        abort(404)
    return Response(data, mimetype=_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
    })
