"""Uploading a quarter's dwellings as CSV or XLSX, and the template to fill in.

The file is taken whole or not at all (services/imports.py); the flow and the report are the
upload pages' own (uploads_view.py). The routes belong to the dwellings blueprint.
"""

from typing import Any

from flask import url_for
from flask_babel import ngettext

from matching.services.imports import DWELLING_COLUMNS, DWELLING_EXAMPLE, import_dwellings
from matching.web.auth import roles_required
from matching.web.dwellings import blueprint
from matching.web.uploads_view import template_file, upload_page


@blueprint.route("/corporatie/woningen/uploaden", methods=["GET", "POST"])
@roles_required("corporation")
def upload() -> Any:
    """Create many draft dwellings at once from a CSV or XLSX file: all rows or none."""
    return upload_page(
        run_import=import_dwellings, columns=DWELLING_COLUMNS, template="dwellings/upload.html",
        done=lambda count: ngettext("%(num)s woning is aangemaakt als concept.",
                                    "%(num)s woningen zijn aangemaakt als concept.", count),
        next_url=lambda: url_for("dwellings.index", status="draft"),
    )


@blueprint.get("/corporatie/woningen/sjabloon.<fmt>")
@roles_required("corporation")
def upload_template(fmt: str):
    """Download the upload template (CSV or XLSX): the header row and one example row."""
    return template_file(fmt, columns=DWELLING_COLUMNS, example=DWELLING_EXAMPLE,
                         title="Woningen", filename="woningen-sjabloon")
