"""Two ticks at once on a new year's first day on PostgreSQL: the year's provisional
contingents are written once and the agency is told once (SQLite serialises writers)."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from matching.db import get_engine
from matching.models import Contingent, ContingentChange, Notice, Organisation
from matching.services.timers import run_tick
from tests import conftest
from tests.races import race_in_sessions

pytestmark = pytest.mark.skipif(
    not conftest.POSTGRES_URL, reason="row locks need PostgreSQL: set MATCHING_TEST_POSTGRES_URL"
)

NEW_YEAR = datetime(2020, 1, 1, 5, tzinfo=UTC)


@pytest.fixture
def pg_url(migrated_pg_url: str) -> str:
    return migrated_pg_url


@pytest.mark.parametrize("attempt", range(3))
def test_two_ticks_on_new_years_day_write_the_provisional_contingents_once(
        pg_url: str, attempt: int):
    with Session(get_engine(pg_url)) as session:
        lister = session.exec(select(Organisation).where(Organisation.name == "Lister")).one()
        session.add(Contingent(year=2019, care_provider_id=lister.id, contingent=120))
        session.commit()

    first, second = race_in_sessions(
        pg_url, lambda s: run_tick(s, now=NEW_YEAR), lambda s: run_tick(s, now=NEW_YEAR),
        allowed=())

    assert first.provisional_contingents + second.provisional_contingents > 0
    assert 0 in (first.provisional_contingents, second.provisional_contingents)
    with Session(get_engine(pg_url)) as session:
        rows = session.exec(select(Contingent).where(Contingent.year == 2020)).all()
        assert sum(r.contingent for r in rows) == 385 and all(r.provisional for r in rows)
        changes = session.exec(select(ContingentChange).where(ContingentChange.year == 2020))
        assert len(changes.all()) == len(rows)
        notices = session.exec(select(Notice).where(Notice.kind == "contingents_provisional"))
        assert len(notices.all()) == 1
