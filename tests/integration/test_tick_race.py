"""Two ticks at once on PostgreSQL: every notice recorded and every mail delivered exactly
once (SQLite serialises writers, so only a real server shows the race)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from matching.db import get_engine
from matching.models import Notice, OutboxMail
from matching.notifications.outbox import Mailer
from matching.notifications.transports import transport_from_url
from matching.services.proposals import propose_candidates
from matching.services.timers import TickReport, run_tick
from tests import conftest
from tests.races import race
from tests.smtp import smtp_server
from tests.world import World

pytestmark = pytest.mark.skipif(
    not conftest.POSTGRES_URL, reason="row locks need PostgreSQL: set MATCHING_TEST_POSTGRES_URL"
)

TICK = datetime(2020, 1, 14, 9, tzinfo=UTC)


@pytest.fixture
def pg_url(migrated_pg_url: str) -> str:
    """The races run on the schema the migrations build, as production's is."""
    return migrated_pg_url


def _due_world(url: str) -> None:
    """Five rounds past their deadline and a flip lease within a month of its review."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        world = World(session)
        for day in range(5):
            world.now = datetime(2019, 12, 2 + day, 7, tzinfo=UTC)
            dwelling = world.submitted()
            client = world.waiting()
            propose_candidates(session, dwelling_id=dwelling.id, client_ids=[client.id],
                               actor=world.matcher, now=world.now + timedelta(hours=3))
        world.let("flip", start=date(2018, 2, 13))


@pytest.mark.parametrize("attempt", range(3))
def test_two_ticks_at_once_record_every_notice_and_send_every_mail_exactly_once(
    pg_url: str, attempt: int,
):
    _due_world(pg_url)
    engine = get_engine(pg_url)
    with smtp_server() as (inbox, url):
        mailer = Mailer(transport_from_url(url), "noreply@matching.example.org",
                        "https://matching.example.org")

        def one_tick() -> TickReport:
            with Session(engine, expire_on_commit=False) as session:
                return run_tick(session, now=TICK, mailer=mailer)

        first, second = race(one_tick, one_tick)

    with Session(engine) as session:
        notices = list(session.exec(select(Notice)))
        mails = list(session.exec(select(OutboxMail).order_by(col(OutboxMail.id))))
    kinds = [n.kind for n in notices]
    assert kinds.count("round_overdue") == 5
    assert kinds.count("flip_review_1m") == 1
    # Each due notice was recorded by exactly one of the two ticks.
    assert first.noticed.get("round_overdue", 0) + second.noticed.get("round_overdue", 0) == 5
    recorded_by_the_ticks = [n for n in notices if n.created_at.replace(tzinfo=UTC) == TICK]
    # Five rounds reminded and overdue, five dwellings at risk, the lease's 3- and 1-month notes.
    assert len(recorded_by_the_ticks) == 17
    assert sum(first.noticed.values()) + sum(second.noticed.values()) == 17
    assert first.fired.get("proposal.escalate", 0) + second.fired.get(
        "proposal.escalate", 0) == 5
    # Every mail went out once, carried by exactly one of the two ticks' e-mails.
    assert mails and all(m.sent_at is not None for m in mails)
    assert first.mail is not None and second.mail is not None
    assert first.mail.mails + second.mail.mails == len(mails)
    assert first.mail.failed == second.mail.failed == 0
    received = [m["Message-ID"] for m in inbox.messages]
    assert len(received) == len(set(received)) == first.mail.sent + second.mail.sent
    assert sorted(received) == sorted({m.message_id for m in mails})
