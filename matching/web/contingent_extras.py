"""What the contingent pages show beside the care providers' contingents: progress on the
institution-dwelling flip target per quarter, and the City Deal contingent (its own contingent,
not a care provider's row), each for the page's year as of today."""

from typing import Any

from matching.reports.citydeal import citydeal_year
from matching.reports.flip_progress import flip_progress
from matching.reports.period import Reader
from matching.web import db_session
from matching.web.auth import current_actor
from matching.web.page_helpers import today


def contingent_extras(year: int, *, own: bool = False) -> dict[str, Any]:
    """Template values `flips` and `citydeal`; `own`: the care provider's own page, which
    shows its own flip progress alone and no City Deal."""
    session, actor = db_session(), current_actor()
    reader = Reader(role=actor.role, organisation_id=actor.organisation_id)
    as_of = today()
    return {
        "flips": flip_progress(session, year=year, as_of=as_of, reader=reader,
                               care_provider_id=actor.organisation_id if own else None),
        "citydeal": None if own else citydeal_year(session, year=year, as_of=as_of,
                                                   reader=reader),
        "extras_year": year,
    }
