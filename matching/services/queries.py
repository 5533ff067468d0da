"""Read-side figures for pages; no transitions fire here."""

from dataclasses import dataclass

from sqlmodel import Session, func, select

from matching.models import Client, Dwelling, Lease, Proposal
from matching.vocabulary import ClientState, DwellingState, LeaseState, LeaseType


@dataclass(frozen=True)
class HomeFigures:
    dwellings_submitted: int
    clients_waiting: int
    open_rounds: int
    flip_leases_active: int


def home_figures(session: Session) -> HomeFigures:
    """Count what the home page shows: no personal data, only totals."""
    def count(query) -> int:
        return int(session.exec(query).one())

    return HomeFigures(
        dwellings_submitted=count(select(func.count()).select_from(Dwelling).where(
            Dwelling.state != DwellingState.DRAFT)),
        clients_waiting=count(select(func.count()).select_from(Client).where(
            Client.state == ClientState.WAITING)),
        open_rounds=count(select(func.count()).select_from(Proposal).where(
            Proposal.state.in_(["open", "overdue"]))),  # type: ignore[attr-defined]
        flip_leases_active=count(select(func.count()).select_from(Lease).where(
            Lease.lease_type == LeaseType.FLIP,
            Lease.state.in_([LeaseState.ACTIVE, LeaseState.REVIEW_DUE,  # type: ignore[attr-defined]
                             LeaseState.EXTENDED]))),
    )
