"""The vocabularies of the workflows, stored as lowercase strings."""

from enum import StrEnum


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
