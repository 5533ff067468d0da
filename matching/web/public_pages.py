"""The pages every public-sector site links from its footer: the privacy statement, the
accessibility statement (toegankelijkheidsverklaring) and how to reach the operator.

Open to anybody, signed in or not; they show no one's data. The operator's contact details
come from the environment (MATCHING_CONTACT_EMAIL, MATCHING_CONTACT_PHONE,
MATCHING_CONTACT_ADDRESS), so a deployment fills in its own without a code change; a detail
left unset is simply not shown."""

import os
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template

from matching.parameters import year_parameters
from matching.web import db_session
from matching.web.page_helpers import today

blueprint = Blueprint("public", __name__)

OPERATOR = "Het Vierde Huis"


@dataclass(frozen=True)
class Contact:
    email: str | None
    phone: str | None
    address: str | None


def contact_details() -> Contact:
    """The operator's contact details: the app's config first (tests), then the environment."""
    def setting(name: str) -> str | None:
        value = current_app.config.get(name) or os.environ.get(name) or ""
        return value.strip() or None

    return Contact(email=setting("MATCHING_CONTACT_EMAIL"),
                   phone=setting("MATCHING_CONTACT_PHONE"),
                   address=setting("MATCHING_CONTACT_ADDRESS"))


@blueprint.get("/privacy")
def privacy() -> str:
    """Say what personal data the service holds, why, how long, and the rights of clients."""
    # The period in force this year, as the nightly erasure applies it (services/retention.py).
    months = year_parameters(db_session(), today().year).retention_months
    return render_template("public/privacy.html", operator=OPERATOR, contact=contact_details(),
                           retention_months=months)


@blueprint.get("/toegankelijkheid")
def accessibility() -> str:
    """Say which accessibility standard the service aims for, how it is tested, and where to
    report a barrier."""
    return render_template("public/accessibility.html", operator=OPERATOR,
                           contact=contact_details())


@blueprint.get("/contact")
def contact() -> str:
    """Say who runs the service and how to reach them."""
    return render_template("public/contact.html", operator=OPERATOR, contact=contact_details())
