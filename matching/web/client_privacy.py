"""Privacy pages of a client, for the client's own care provider only: who saw the client
(its access log, NEN 7513) and the download of everything held about the client (subject
access, AVG article 15). The routes belong to the clients blueprint (`clients.accesses`,
`clients.export`)."""

import json
import re
from typing import Any

from flask import Response, render_template

from matching.services import subject_access
from matching.vocabulary import Role
from matching.web import db_session
from matching.web.auth import current_actor, roles_required
from matching.web.clients import blueprint
from matching.web.i18n import lazy_text as _l
from matching.web.page_helpers import page_args
from matching.web.sign_in_steps import requires_recent_sign_in

ACTION_LABELS = {
    "read": _l("inzien"),
    "search": _l("zoeken"),
    "export": _l("exporteren"),
    "create": _l("aanmaken"),
    "change": _l("wijzigen"),
    "delete": _l("verwijderen"),
}


@blueprint.get("/clienten/<int:client_id>/inzage")
@roles_required(Role.CARE_PROVIDER)
def accesses(client_id: int) -> Any:
    """Show who saw or changed one of the provider's own clients: when, who, what and why."""
    number, per_page = page_args()
    client, page = subject_access.who_accessed(
        db_session(), client_id=client_id, actor=current_actor(), page=number,
        per_page=per_page)
    return render_template("clients/accesses.html", client=client, page=page,
                           action_labels=ACTION_LABELS)


def _filename(reference: str) -> str:
    # The reference is the provider's own text; only safe characters go into the header.
    return "client-" + (re.sub(r"[^A-Za-z0-9._-]+", "_", reference).strip("._") or "export")


@blueprint.get("/clienten/<int:client_id>/gegevens.json")
@roles_required(Role.CARE_PROVIDER)
@requires_recent_sign_in
def export(client_id: int) -> Response:
    """Download everything held about one of the provider's own clients as JSON."""
    document = subject_access.export_client(db_session(), client_id=client_id,
                                            actor=current_actor())
    name = _filename(str(document["client"]["reference"]))
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
    )
