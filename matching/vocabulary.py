"""The words every layer shares: the workflows' states (stored as lowercase strings), the
roles and kinds of organisation, and the clock. It imports nothing of the product, so the
read side, the web and the workflow machines all stand on it."""

from datetime import UTC, datetime
from enum import StrEnum


def utcnow() -> datetime:
    """The current moment, aware, in UTC (services take `now` to replay or test a moment)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """The moment as aware UTC; SQLite gives stored moments back without their zone (UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)



class DwellingState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PROPOSED = "proposed"
    MATCHED = "matched"
    OFFER_ACCEPTED = "offer_accepted"
    LET = "let"
    WITHDRAWN = "withdrawn"
    RELEASED = "released"


class ProposalState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class CandidateState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NOT_CHOSEN = "not_chosen"
    WITHDRAWN = "withdrawn"


class ClientState(StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"
    PROPOSED = "proposed"
    MATCHED = "matched"
    OFFER_ACCEPTED = "offer_accepted"
    HOUSED = "housed"
    OFFER_REFUSED = "offer_refused"
    ON_HOLD = "on_hold"
    WITHDRAWN = "withdrawn"


class LeaseState(StrEnum):
    ACTIVE = "active"
    REVIEW_DUE = "review_due"
    EXTENDED = "extended"
    TRANSFERRED = "transferred"
    ENDING = "ending"
    ENDED = "ended"


class LeaseType(StrEnum):
    DIRECT = "direct"
    FLIP = "flip"
    CAMPUS = "campus"


class Designation(StrEnum):
    UITSTROOM = "uitstroom"
    INSTROOM = "instroom"


class OrganisationKind(StrEnum):
    CORPORATION = "corporation"
    AGENCY = "agency"
    CARE_PROVIDER = "care_provider"
    MUNICIPALITY = "municipality"


class Role(StrEnum):
    CORPORATION = "corporation"
    MATCHER = "matcher"
    CARE_PROVIDER = "care_provider"
    ANALYST = "analyst"
    ADMIN = "admin"


# Which roles a user of an organisation of each kind may hold.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.CORPORATION: frozenset({Role.CORPORATION, Role.ADMIN}),
    OrganisationKind.AGENCY: frozenset({Role.MATCHER, Role.ADMIN}),
    OrganisationKind.CARE_PROVIDER: frozenset({Role.CARE_PROVIDER, Role.ADMIN}),
    OrganisationKind.MUNICIPALITY: frozenset({Role.ANALYST, Role.ADMIN}),
}
