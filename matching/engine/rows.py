"""From database rows to the engine's facts: a client's and a dwelling's."""

from sqlmodel import Session, col, select

from matching.engine.facts import ClientFacts, DwellingFacts
from matching.models import Candidate, Client, Dwelling, DwellingEarmark
from matching.vocabulary import CandidateState


def client_facts(row: Client) -> ClientFacts:
    if row.birth_year is None or row.annual_income is None:
        # Retention erases only clients who left the process; the engine reads waiting ones.
        raise ValueError(f"client {row.id} has no personal fields left to match on")
    return ClientFacts(
        id=row.id or 0, care_provider_id=row.care_provider_id, target_group=row.target_group,
        phase=row.phase, adults=row.adults, children=row.children, birth_year=row.birth_year,
        annual_income=row.annual_income, needs=frozenset(row.needs or ()),
        excluded_wijken=frozenset(row.excluded_wijken or ()), flip_lease_ok=row.flip_lease_ok,
        waiting_since=row.waiting_since or row.registered_on,
    )


def dwelling_facts(session: Session, dwelling: Dwelling) -> DwellingFacts:
    earmarks = session.exec(
        select(DwellingEarmark.care_provider_id).where(DwellingEarmark.dwelling_id == dwelling.id)
    ).all()
    rejected = session.exec(
        select(Candidate.client_id).where(
            Candidate.dwelling_id == dwelling.id,
            col(Candidate.state).in_([CandidateState.REJECTED, CandidateState.ACCEPTED]),
        )
    ).all()
    return DwellingFacts(
        id=dwelling.id or 0, wijk=dwelling.wijk, rooms=dwelling.rooms,
        floor_area_m2=dwelling.floor_area_m2, rent=dwelling.rent, floor=dwelling.floor,
        has_lift=dwelling.has_lift, accessible=dwelling.accessible,
        senior_label=dwelling.senior_label, designation=dwelling.designation,
        lease_type=dwelling.lease_type, earmarked_care_provider_ids=frozenset(earmarks),
        rejected_client_ids=frozenset(rejected), self_contained=dwelling.self_contained,
    )
