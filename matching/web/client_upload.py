"""Uploading many clients at once as CSV or XLSX, and the template to fill in.

The file is taken whole or not at all (services/imports.py); the flow and the report are the
upload pages' own (uploads_view.py). The routes belong to the clients blueprint
(`clients.upload`, `clients.upload_template`).
"""

from typing import Any

from flask import url_for
from flask_babel import ngettext

from matching.services.imports import CLIENT_COLUMNS, CLIENT_EXAMPLE, import_clients
from matching.vocabulary import Role
from matching.web.auth import roles_required
from matching.web.clients import blueprint
from matching.web.uploads_view import template_file, upload_page


@blueprint.route("/clienten/uploaden", methods=["GET", "POST"])
@roles_required(Role.CARE_PROVIDER)
def upload() -> Any:
    """Register many clients at once from a CSV or XLSX file: all rows or none."""
    return upload_page(
        run_import=import_clients, columns=CLIENT_COLUMNS, template="clients/upload.html",
        done=lambda count: ngettext("%(num)s cliënt is aangemeld.",
                                    "%(num)s cliënten zijn aangemeld.", count),
        next_url=lambda: url_for("clients.index", state="registered"),
    )


@blueprint.get("/clienten/sjabloon.<fmt>")
@roles_required(Role.CARE_PROVIDER)
def upload_template(fmt: str):
    """Download the client upload template (CSV or XLSX): the header and one example row."""
    return template_file(fmt, columns=CLIENT_COLUMNS, example=CLIENT_EXAMPLE, title="Cliënten",
                         filename="clienten-sjabloon")
