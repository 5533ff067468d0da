"""Test data: input dictionaries for the services (factory-boy) and users per role."""

import itertools
from datetime import date

import factory
from sqlmodel import Session

from matching.models import User
from matching.services.users import create_user

_emails = itertools.count(1)


class DwellingData(factory.DictFactory):
    address = factory.Sequence(lambda n: f"Teststraat {n + 1}, Utrecht")
    postcode = "3531AB"
    wijk = "Overvecht"
    rooms = 2
    floor_area_m2 = 48
    rent = "560.00"
    floor = 0
    has_lift = False
    accessible = False
    senior_label = False
    designation = "uitstroom"
    lease_type = "direct"
    available_from = date(2019, 9, 1)


class ClientData(factory.DictFactory):
    reference = factory.Sequence(lambda n: f"REF-{n + 1:05d}")
    target_group = "mobw_uitstroom"
    adults = 1
    children = 0
    birth_year = 1985
    annual_income = 16000
    needs: list[str] = []
    excluded_wijken: list[str] = []
    preferred_wijken: list[str] = []
    flip_lease_ok = True
    support_confirmed = True
    registered_on = date(2019, 6, 1)


def make_user(session: Session, organisation: str, role: str) -> User:
    """Create a user of `organisation` with `role` (reference data must be loaded)."""
    return create_user(
        session,
        email=f"user{next(_emails)}@example.org",
        organisation_name=organisation,
        role=role,
        password="correct horse battery",
    )
