"""Retention: the personal fields of a client who left the process are erased once the
year's `retention_months` (24 by default) have passed since the day they left
(product.md section 9). `tick` runs it.

What goes, field by field, is what describes the person and that no report reads: birth
year, income, needs, the districts excluded (safety) or preferred, the flip-lease and support
answers, and the free texts written about them (the reasons and motivations in their history,
the corporation's motivation on their candidacies, the reasons on their leases, the notes of
transfer requests). What stays is what the reports and statistics count, so their figures
do not move: the client row itself, its reference (the care provider's pseudonym, which
`audit who-accessed` and the access log's rows still need), target group, phase, household
size (the statushouder task counts persons), dates, states and every event's moment, state
and codes. The access log keeps its rows: they point at a row that stays.

The erasure is not a client event: an event must move a state, and the reports read a
client's events as transitions (a second `housed` event would count as a second housing).
It shows as `erased_at` on the client, on its page and in the API.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from matching.models import (
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    DwellingEvent,
    Lease,
    LeaseEvent,
    LeaseTransferRequest,
)
from matching.parameters import year_parameters
from matching.services.clients import log_client_reads
from matching.services.departures import LEFT_STATES, departures
from matching.services.errors import Conflict
from matching.services.locks import lock_rows
from matching.services.unit_of_work import commit, service
from matching.workdays import local_date

# The free-text keys of an event's data; codes, dates and ids beside them stay.
FREE_TEXT_KEYS = frozenset({"reason", "motivation"})
# The client's personal fields retention empties (the free texts above besides).
ERASED_FIELDS = ("birth_year", "annual_income", "needs", "excluded_wijken", "preferred_wijken",
                 "flip_lease_ok", "support_confirmed", "hotel_stay_since", "hotel_kind")
# A month counted back from a month's end can land up to three days before the last day of
# leaving whose retention has run out (31 March minus one month is 28 February).
_MONTH_END_SLACK = timedelta(days=3)


@dataclass
class RetentionReport:
    erased: int = 0
    skipped: int = 0


def erase_left_clients(session: Session, *, now: datetime) -> RetentionReport:
    """Erase every client whose retention after leaving has run out as of `now`, each in
    its own transaction; running it again finds nothing more to do."""
    today = local_date(now)
    months = relativedelta(months=year_parameters(session, today.year).retention_months)
    due = [d.client_id for d in departures(session, left_by=today - months + _MONTH_END_SLACK)
           if d.left_on + months <= today]
    session.commit()  # end the read before the writes, each of which commits on its own
    report = RetentionReport()
    for client_id in due:
        try:
            if erase_client(session, client_id=client_id, now=now):
                report.erased += 1
        except Conflict:  # another tick, or a change of the client, got there first
            report.skipped += 1
    return report


@service
def erase_client(session: Session, *, client_id: int, now: datetime) -> bool:
    """Erase the personal fields of a client who left the process; False when it has been
    erased already or has not left."""
    # Row locks in the global order (services/locks.py): the candidacies, then the client.
    candidates = lock_rows(session, Candidate, session.exec(
        select(Candidate.id).where(Candidate.client_id == client_id)).all())
    found = lock_rows(session, Client, [client_id])
    if not found or found[0].erased_at is not None or found[0].state not in LEFT_STATES:
        return False
    client = found[0]
    client.birth_year = None
    client.annual_income = None
    client.needs = []
    client.excluded_wijken = []
    client.preferred_wijken = []
    client.flip_lease_ok = False
    client.support_confirmed = False
    client.hotel_stay_since = None
    client.hotel_kind = None  # each of ERASED_FIELDS
    client.erased_at = now
    _drop_free_texts(session, ClientEvent, col(ClientEvent.client_id) == client_id)
    for candidate in candidates:
        if candidate.motivation is not None:
            candidate.motivation = None
    if candidates:
        _drop_free_texts(session, CandidateEvent,
                         col(CandidateEvent.candidate_id).in_([c.id for c in candidates]))
        # The client's own reasons for declining an offer are in the dwelling's history too
        # (only a dwelling the client was a candidate for can hold them).
        _drop_free_texts(session, DwellingEvent, and_(
            col(DwellingEvent.dwelling_id).in_({c.dwelling_id for c in candidates}),
            col(DwellingEvent.data)["client_id"].as_integer() == client_id))
    lease_ids = session.exec(select(Lease.id).where(Lease.client_id == client_id)).all()
    if lease_ids:
        _drop_free_texts(session, LeaseEvent, col(LeaseEvent.lease_id).in_(lease_ids))
        for request in session.exec(select(LeaseTransferRequest).where(
                col(LeaseTransferRequest.lease_id).in_(lease_ids))):
            request.note = ""
    # The erasure is itself an access to the record (NEN 7513): a delete of these fields.
    log_client_reads(session, actor=None, client_ids=[client_id],
                     purpose="bewaartermijn verstreken", action="delete",
                     fields=[*ERASED_FIELDS, "free texts"])
    commit(session)
    return True


def _drop_free_texts(session: Session, model: Any, where: ColumnElement[bool]) -> None:
    for event in session.exec(select(model).where(where)):
        data = event.data or {}
        if FREE_TEXT_KEYS & set(data):
            # A new dict: the JSON column notices a replaced value, not an edited one.
            event.data = {k: v for k, v in data.items() if k not in FREE_TEXT_KEYS}
