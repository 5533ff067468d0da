"""City Deal: clients nominated by the Citydeal-overleg (the Doorbraaktafel City Deal) for the
year's City Deal contingent (Plan van Aanpak 2019: 30 dwellings, a pilot; verdeelbesluit
2025: 12 places; seeds/allocation_targets.csv, target group `citydeal`).

A nomination is the day the Citydeal-overleg put the client forward, kept on the client record
(`citydeal_nominated_on`); the agency records it, for a client of target group citydeal that
is not yet housed or withdrawn. The contingent is evaluated at the year end
(matching/reports/citydeal.py).
"""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from matching.access import check_client_visible, require_role
from matching.models import Client
from matching.services.clients import log_client_reads
from matching.services.errors import Conflict, ValidationFailed
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import ClientState, Role, utcnow
from matching.workdays import local_date

CITYDEAL = "citydeal"


@service
def record_citydeal_nomination(
    session: Session, *, client_id: int, nominated_on: date, actor: Any,
    now: datetime | None = None,
) -> Client:
    """Record that the Citydeal-overleg nominated the client on `nominated_on`."""
    require_role(actor, Role.MATCHER)
    client = get_or_404(session, Client, client_id, lock=True)
    check_client_visible(actor, client)
    # What the client is (its group, its state) refuses the nomination as a conflict (409);
    # only the date is the caller's input (422).
    if client.target_group != CITYDEAL:
        raise Conflict("only a client of target group citydeal can be nominated")
    if client.state in (ClientState.HOUSED, ClientState.WITHDRAWN):
        raise Conflict(f"a client who is {client.state} cannot be nominated")
    if nominated_on > local_date(now or utcnow()):
        raise ValidationFailed({"nominated_on": "cannot lie in the future"})
    if client.citydeal_nominated_on is not None:
        raise Conflict(f"the client was already nominated on "
                       f"{client.citydeal_nominated_on.isoformat()}")
    client.citydeal_nominated_on = nominated_on
    session.add(client)
    log_client_reads(session, actor=actor, client_ids=[client_id], purpose="citydeal nomination",
                     action="change", fields=["citydeal_nominated_on"])
    commit(session)
    return client
