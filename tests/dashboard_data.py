"""A year of steering figures for the dashboard's tests, built through the services only:
2025 has a verdeelbesluit (seeds) and 2025H1 a statushouder task (369, backlog 318)."""

from datetime import UTC, date, datetime

from sqlmodel import Session

from matching.models import User
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from tests.factories import ClientData, DwellingData

QUARTER = "2025Q2"  # ended; its figures are those at 30 June 2025


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def waiting(session: Session, people: dict[str, User], group: str, since: date) -> None:
    """A client of `group` waiting since `since` (approved that day)."""
    client = register_client(session, data=ClientData(target_group=group),
                             actor=people["care_provider"], now=at(date(2025, 1, 2)))
    approve_client(session, client_id=client.id, actor=people["matcher"], waiting_since=since,
                   now=at(max(since, date(2025, 1, 3))))


def let(session: Session, people: dict[str, User], group: str, day: date) -> None:
    """A client of `group` housed through the whole workflow, the lease starting on `day`."""
    corporation, matcher = people["corporation"], people["matcher"]
    client = register_client(session, data=ClientData(target_group=group),
                             actor=people["care_provider"], now=at(date(2025, 1, 2)))
    approve_client(session, client_id=client.id, actor=matcher, now=at(date(2025, 1, 3)))
    dwelling = create_dwelling(session, data=DwellingData(available_from=date(2025, 2, 1)),
                               actor=corporation, now=at(date(2025, 1, 4)))
    submit_dwelling(session, dwelling_id=dwelling.id, actor=corporation, now=at(date(2025, 1, 4)))
    proposal = propose_candidates(session, dwelling_id=dwelling.id, client_ids=[client.id],
                                  actor=matcher, motivation="dashboard",
                                  now=at(date(2025, 1, 5)))
    decide_candidate(session, proposal_id=proposal.id, client_id=client.id, decision="accept",
                     actor=corporation, now=at(date(2025, 1, 6)))
    record_offer_answer(session, dwelling_id=dwelling.id, answer="accepted", actor=matcher,
                        now=at(date(2025, 1, 7)))
    let_dwelling(session, dwelling_id=dwelling.id, lease_start=day, lease_type="direct",
                 actor=corporation, now=at(day))


def dashboard_year(session: Session, people: dict[str, User]) -> None:
    """2025: five lets to MO/BW clients and two to statushouders (fewer than five: hidden
    from the municipality), six MO/BW clients and two statushouders waiting at the end of
    the second quarter, and three dwellings submitted in it. `people`: users with the keys
    corporation (Mitros), care_provider, matcher."""
    for day in (10, 11, 12, 13, 14):
        let(session, people, "mobw_uitstroom", date(2025, 2, day))
    for day in (17, 18):
        let(session, people, "statushouder", date(2025, 3, day))
    for since in (date(2025, 1, 10), date(2025, 1, 20), date(2025, 2, 1), date(2025, 5, 1),
                  date(2025, 5, 15), date(2025, 6, 1)):
        waiting(session, people, "mobw_uitstroom", since)
    for since in (date(2025, 1, 10), date(2025, 4, 1)):
        waiting(session, people, "statushouder", since)
    for day in (10, 11, 12):
        dwelling = create_dwelling(session, data=DwellingData(available_from=date(2025, 6, 1)),
                                   actor=people["corporation"], now=at(date(2025, 4, day)))
        submit_dwelling(session, dwelling_id=dwelling.id, actor=people["corporation"],
                        now=at(date(2025, 4, day)))
