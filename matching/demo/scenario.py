"""The demo year up to its last day: users, the prelude, then every part's steps in time order."""

import heapq
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from matching import late_changes
from matching.audit import record as audit_record
from matching.demo.client_steps import ClientSteps
from matching.demo.dwelling_steps import DwellingSteps
from matching.demo.dwellings import dwelling_data, new_dwelling
from matching.demo.lease_steps import LeaseSteps
from matching.demo.population import (
    CORPORATIONS,
    DEMO_PASSWORD,
    LOGINS,
    MARKER_EMAIL,
    PROVIDERS,
    client_data,
    slug,
)
from matching.demo.report import DemoLogin, DemoReport, count_demo
from matching.demo.timeline import moment, row_id
from matching.engine import profile as pool_profile
from matching.models import Organisation, User
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.notifications import mark_all_read
from matching.services.planning import set_default_contingents
from matching.services.proposals import decide_candidate, propose_candidates
from matching.services.users import create_user, hash_password
from matching.vocabulary import utcnow
from matching.workdays import add_working_days, local_date


class DemoAlreadyLoaded(ValueError):
    """The demo data set is in this database already."""


def build_demo(session: Session, *, seed: int = 2025, today: date | None = None) -> DemoReport:
    """Build the demo year up to `today` (default: today) through the services and return
    what it loaded; the same seed and day give the same data."""
    day = today or local_date(utcnow())
    if session.exec(select(User).where(User.email == MARKER_EMAIL)).first() is not None:
        raise DemoAlreadyLoaded("demo data is already loaded")
    names = {o.name for o in session.exec(select(Organisation))}
    needed = {*CORPORATIONS, *(p[0] for p in PROVIDERS), "Het Vierde Huis", "Gemeente Utrecht"}
    if not needed <= names:
        raise ValueError("reference data is not loaded: run `matching seed reference` first")
    demo = _Demo(session, random.Random(seed), day)
    # Thousands of commits: the pool's profile is rebuilt once at the end instead of adjusted
    # at each, the ledger of late changes gets one row for the year written, and the access
    # log's rows are appended in one go.
    with _unsynced_sqlite(session), pool_profile.paused(session), \
            late_changes.deferred(session), audit_record.deferred(session):
        demo.run()
    return count_demo(session, seed, day, demo.logins, demo.service_users)


@contextmanager
def _unsynced_sqlite(session: Session) -> Iterator[None]:
    """On SQLite, skip the wait for the disk at each of the demo's thousands of commits: a
    crash half-way leaves a demo to throw away either way. PostgreSQL is left as it is."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    connection.exec_driver_sql("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        session.connection().exec_driver_sql(f"PRAGMA synchronous = {int(before or 2)}")


class _Demo(ClientSteps, DwellingSteps, LeaseSteps):
    """Run the year: the users, the prelude, then every planned step in order of time."""

    def run(self) -> None:
        self.create_users()
        self.prelude()
        self.plan_clients()
        self.plan_institution_leases()
        self.plan_dwellings()
        self.plan_ticks()
        # The contingent manager divides each year over the providers early in January.
        # On the first days of January, before the demo's end: this year's are set too.
        for year in sorted({year for year, _quarter in self.quarters}):
            early = moment(add_working_days(date(year, 1, 1), 2), 9)
            self.at(min(early, self.end - timedelta(hours=1)), self.contingents, year)
        while self.queue and self.queue[0][0] < self.end:
            _when, _seq, step, args = heapq.heappop(self.queue)
            step(_when, *args)
        self.tick(self.end)
        self.read_old_notifications()

    def read_old_notifications(self) -> None:
        """Everyone has read what came in before the last week: the bell shows the news."""
        cutoff = self.end - timedelta(days=7)
        for user in self.s.exec(select(User).order_by(col(User.id))).all():
            mark_all_read(self.s, actor=user, up_to=cutoff, now=cutoff)

    def create_users(self) -> None:
        now = moment(self.campus_starts()[0] - timedelta(days=120), 8)
        shared = hash_password(DEMO_PASSWORD)  # one slow hash for all who share the password
        for email, org, role, manager in LOGINS:
            user = create_user(self.s, email=email, organisation_name=org, role=role,
                               password=DEMO_PASSWORD, contingent_manager=manager, now=now,
                               password_hash=shared)
            self.logins.append(DemoLogin(email, role, org, DEMO_PASSWORD))
            if role in ("corporation", "care_provider"):
                self.user_of[user.organisation_id] = user
            if role == "matcher":
                self.matcher = user
        internal = [(c, "corporation", "corporatie") for c in CORPORATIONS]
        internal += [(p[0], "care_provider", "zorg") for p in PROVIDERS]
        for org, role, prefix in internal:
            if self.org_id[org] in self.user_of:
                continue
            email = f"{prefix}.{slug(org)}@demo.example"
            user = create_user(self.s, email=email, organisation_name=org, role=role,
                               password=DEMO_PASSWORD, now=now, password_hash=shared)
            self.user_of[user.organisation_id] = user
            self.service_users.append(DemoLogin(email, role, org, DEMO_PASSWORD))

    # The prelude: SSH campus lets of four to five years ago, so campus leases near their end
    # exist.

    def campus_starts(self) -> list[date]:
        this_month = self.today.replace(day=1)
        return [this_month - relativedelta(months=months) for months in (62, 59, 56, 52)]

    def prelude(self) -> None:
        starts = self.campus_starts()
        ssh, provider = self.corp("SSH"), self.user_of[self.org_id["Timon"]]
        for start in starts:
            day = add_working_days(start - timedelta(days=70), 0)
            data = client_data(self.rng, "Timon", "jongvolwassene", day, year=self.year,
                               refs=self.refs, persons=1)
            data["birth_year"] = start.year - 23
            client = row_id(register_client(self.s, data=data, actor=provider,
                                            now=moment(day, 9)))
            approve_client(self.s, client_id=client, actor=self.matcher,
                           now=self.later(day, 2, 10))
            dwelling = new_dwelling(self.rng, "SSH", day, earmarks=())
            data = dwelling_data(self.rng, self.addresses, dwelling, start - timedelta(days=14))
            # Campus units are small and cheap: within the youth rent limit of every year.
            data.update(rent="415.00", rooms=1, floor=0, senior_label=False,
                        self_contained=True, student_complex=None)
            made = row_id(create_dwelling(self.s, data=data, actor=ssh,
                                          now=self.later(day, 5, 9)))
            submit_dwelling(self.s, dwelling_id=made, actor=ssh, now=self.later(day, 6, 10))
            proposal = row_id(propose_candidates(
                self.s, dwelling_id=made, client_ids=[client], actor=self.matcher,
                motivation="Campuscontract voor een jongvolwassene van Timon.",
                now=self.later(day, 8, 13)))
            decide_candidate(self.s, proposal_id=proposal, client_id=client,
                             decision="accept", actor=ssh, now=self.later(day, 10, 11))
            record_offer_answer(self.s, dwelling_id=made, answer="accepted",
                                actor=self.matcher, now=self.later(day, 12, 15))
            let_dwelling(self.s, dwelling_id=made, lease_start=start, lease_type="campus",
                         actor=ssh, now=self.later(day, 20, 11))

    def contingents(self, when: datetime, year: int) -> None:
        set_default_contingents(self.s, year=year, actor=self.matcher, now=when)
