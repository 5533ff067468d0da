"""A year with small counts on one care provider's contingent row, for the tests that the
municipality sees none of them (product.md section 8: fewer than 5 clients is suppressed)."""

from dataclasses import dataclass

from sqlmodel import Session

from matching.models import Contingent
from tests.world import World

YEAR = 2019


@dataclass(frozen=True)
class SmallCounts:
    lister_id: int
    contingent: int = 10
    proposed: int = 2
    housed: int = 1


def lister_with_small_counts(session: Session) -> SmallCounts:
    """In 2019 Lister has a contingent of 10, two clients in an open round and one housed."""
    world = World(session)
    world.propose(world.submitted(), [world.waiting(), world.waiting()])
    world.let("direct")
    lister_id = world.lister.organisation_id
    session.add(Contingent(year=YEAR, care_provider_id=lister_id, contingent=10))
    session.commit()
    return SmallCounts(lister_id=lister_id)
