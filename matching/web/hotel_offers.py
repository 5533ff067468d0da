"""The agency's list of corporation-hotel clients due a one-time offer: twelve months in the
hotel without housing ([001]; matching/services/hotels.py)."""

from flask import render_template
from sqlmodel import col, select

from matching.models import Organisation
from matching.services.hotels import clients_due_one_time_offer, one_time_offer_on
from matching.web import db_session
from matching.web.auth import roles_required
from matching.web.page_helpers import log_reads, today

# What the list shows of each client (the access log names the fields).
SHOWN_FIELDS = ("reference", "care_provider_id", "target_group", "adults", "children",
                "hotel_kind", "hotel_stay_since", "state", "waiting_since")


@roles_required("matcher")
def one_time_offers():
    """Show the clients due a one-time offer, the longest in the hotel first."""
    session = db_session()
    due = clients_due_one_time_offer(session, today())
    providers = dict(session.exec(select(Organisation.id, Organisation.name).where(
        col(Organisation.id).in_({c.care_provider_id for c in due}))).all())
    rows = [{"client": c, "care_provider": providers.get(c.care_provider_id, ""),
             "due_on": one_time_offer_on(c)} for c in due]
    log_reads([c.id for c in due if c.id is not None], "one-time offer list",
              fields=SHOWN_FIELDS)
    return render_template("matcher/one_time_offers.html", rows=rows)
