"""Institution dwellings flipped to a regular lease in the client's name.

A care provider rents institution dwellings (instellingswoningen) from a corporation and
sublets them to its clients. When a client is ready, the dwelling is flipped: the client
becomes the corporation's tenant where it already lives. The care provider registers that for
its own client, the agency for any; the flip counts toward the provider's flip target of the
year (Plan van Aanpak 2019: Lister 45, De Tussenvoorziening 90), in the quarter of its start
(matching/reports/institution_flips.py).

The lease is an institution flip lease already transferred on its start: it has no dwelling
row (so it carries its address and district itself) and no review. The client is housed
where it lives (`house_in_place`), which takes it out of the queue; a client in a round or
with an accepted offer, or already housed, cannot be registered (409).
"""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from matching.access import MAX_ID, check_client_visible, require_role
from matching.models import Client, District, Lease, Organisation
from matching.services.errors import ValidationFailed
from matching.services.unit_of_work import commit, get_or_404, service
from matching.vocabulary import LeaseType, OrganisationKind, Role
from matching.workflow import fire
from matching.workflow.engine import record_creation, require_trigger

ADDRESS_MAX_LENGTH = 200


def _check(session: Session, *, corporation_id: int, address: str, wijk: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    corporation = (session.get(Organisation, corporation_id)
                   if 0 < corporation_id <= MAX_ID else None)
    if corporation is None or corporation.kind != OrganisationKind.CORPORATION:
        problems["corporation_id"] = "not a known corporation"
    if not address.strip():
        problems["address"] = "an address is required"
    elif len(address.strip()) > ADDRESS_MAX_LENGTH:
        problems["address"] = f"at most {ADDRESS_MAX_LENGTH} characters"
    if not wijk.strip():
        problems["wijk"] = "a district is required"
    elif session.get(District, wijk.strip()) is None:
        problems["wijk"] = f"'{wijk.strip()}' is not a known district or U16 municipality"
    return problems


@service
def register_institution_flip(
    session: Session,
    *,
    client_id: int,
    corporation_id: int,
    address: str,
    wijk: str,
    start_on: date,
    actor: Any,
    now: datetime | None = None,
) -> Lease:
    """Register the institution dwelling a client lives in as flipped to a regular lease in
    the client's name from `start_on`, with the corporation as landlord."""
    require_role(actor, Role.CARE_PROVIDER, Role.MATCHER)
    client = get_or_404(session, Client, client_id, lock=True)
    check_client_visible(actor, client)  # another provider's client: 404
    problems = _check(session, corporation_id=corporation_id, address=address, wijk=wijk)
    if start_on < client.registered_on:
        problems["start"] = "cannot lie before the client's registration"
    if problems:
        raise ValidationFailed(problems)
    require_trigger(client, "house_in_place", now=now)  # names the state: 409
    lease = Lease(
        client_id=client.id,
        corporation_id=corporation_id,
        care_provider_id=client.care_provider_id,
        tenant_care_provider_id=None,
        lease_type=LeaseType.FLIP,
        is_institution=True,
        address=address.strip(),
        wijk=wijk.strip(),
        start_on=start_on,
    )
    if now is not None:
        lease.created_at = now
    session.add(lease)
    record_creation(lease, actor=actor, now=now, institution=True, client_id=client.id)
    fire(lease, "transfer_in_place", actor=actor, now=now, on=start_on)
    fire(client, "house_in_place", actor=actor, now=now, lease_id=lease.id, on=start_on)
    commit(session)
    return lease
