"""The printed logins let a newcomer follow one dwelling from every side, whatever day the demo
is built for: the printed care provider has clients among the matcher's suggestions for the
printed corporation's dwellings in the queue. The days are a year's edges and turns (New Year,
a quarter's last day, a leap day; tests/integration/test_demo.py adds a day in mid-quarter).
Each build takes most of a minute, so `make test` builds only the coming New Year's (the
year turn the reference data must carry the demo across) and `make fuzz`
(MATCHING_DEMO_DAYS=all) every day here."""

import os
from datetime import date

import pytest
from sqlmodel import Session, SQLModel, col, select

from matching.db import get_engine
from matching.demo import LOGINS, build_demo
from matching.engine.suggest import suggest
from matching.models import Dwelling, Organisation
from matching.services.reference import load_reference

pytestmark = pytest.mark.slow

ALL_DAYS = [date(2027, 1, 1), date(2026, 3, 31), date(2024, 2, 29)]
DAYS = ALL_DAYS if os.environ.get("MATCHING_DEMO_DAYS") == "all" else ALL_DAYS[:1]


@pytest.mark.parametrize("today", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_printed_care_provider_has_clients_among_the_printed_corporations_suggestions(
    tmp_path, today: date,
):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    SQLModel.metadata.create_all(get_engine(url))
    try:
        with Session(get_engine(url), expire_on_commit=False) as session:
            load_reference(session)
            build_demo(session, today=today)
            org_of = {role: org for _email, org, role, _manager in LOGINS}
            ids = {o.name: o.id for o in session.exec(select(Organisation))}
            queued = session.exec(select(Dwelling).where(
                Dwelling.corporation_id == ids[org_of["corporation"]],
                col(Dwelling.state).in_(["submitted", "proposed"]))).all()
            assert queued, f"{today}: the printed corporation has no dwelling in the queue"
            providers = {s.client.care_provider_id for d in queued
                         for s in suggest(session, d, today=today, limit=10).suggestions}
            assert ids[org_of["care_provider"]] in providers, (
                f"{today}: no client of {org_of['care_provider']} among the suggestions")
    finally:
        get_engine(url).dispose()
