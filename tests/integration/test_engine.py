"""The matching engine on a database (product.md section 6), on SQLite and PostgreSQL.

The SQL that narrows and orders the pool must agree with the pure rules and ranking; both
backends must give the same answer; the dry run and proposals must explain themselves; and
provider and group standings must come from the real contingents, leases and waiting lists.
Rows are inserted directly where the services would only add time.
"""

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from statistics import mean
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, SQLModel, delete, func, select

from matching.db import get_engine
from matching.engine.context import limits_for
from matching.engine.counts import scan_clients
from matching.engine.facts import ClientFacts, DwellingFacts, Limits
from matching.engine.profile import count_pool, current_basis, is_current, stored
from matching.engine.profile import refresh as refresh_profile
from matching.engine.ranking import score, sort_key
from matching.engine.rules import RULE_NAMES, first_failing_rule
from matching.engine.suggest import RULE_TEXT, Suggestions, explain_client, suggest
from matching.models import (
    AccessLog,
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    Contingent,
    Dwelling,
    DwellingEarmark,
    DwellingEvent,
    Lease,
    Organisation,
    PoolGroupTotal,
    PoolProfile,
    PoolProfileBasis,
    Proposal,
    ProposalEvent,
    User,
)
from matching.parameters import year_parameters
from matching.services.errors import NotFound, PermissionDenied, ValidationFailed
from matching.services.matching import dry_run, suggest_for_dwelling
from matching.services.planning import edit_contingent
from matching.services.proposals import propose_candidates
from matching.services.reference import load_reference
from tests import conftest

TODAY = date(2019, 10, 15)
NOW = datetime(2019, 10, 15, 10, tzinfo=UTC)  # noon in Utrecht: the same calendar day
PROVIDERS = ("Lister", "De Tussenvoorziening", "Jellinek", "Kwintes")
GROUPS = ("mobw_uitstroom", "mobw_instroom", "vrouwenopvang", "statushouder")
WIJKEN = ("Overvecht", "West", "Zuidwest", "Noordwest", "Oost", "Leidsche Rijn")
NEEDS = ("ground_floor", "lift", "wheelchair")
_emails = count(1)


# --- rows straight into the tables ------------------------------------------------------------


class Rows:
    """Insert clients, dwellings, leases and rejections directly, with sensible defaults."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.orgs = {o.name: o.id for o in session.exec(select(Organisation))}
        self._refs = count(1)
        self._addresses = count(1)

    def user(self, organisation: str, role: str) -> User:
        user = User(email=f"engine{next(_emails)}@example.org",
                    organisation_id=self.orgs[organisation], role=role)
        self.session.add(user)
        self.session.commit()
        return user

    def client(self, provider: str = "Lister", **fields: Any) -> Client:
        values: dict[str, Any] = {
            "reference": f"ENG-{next(self._refs):05d}", "target_group": "mobw_uitstroom",
            "phase": "uitstroom", "adults": 1, "children": 0, "birth_year": 1985,
            "annual_income": 16000, "needs": [], "excluded_wijken": [], "flip_lease_ok": True,
            "support_confirmed": True, "registered_on": date(2019, 1, 2),
            "waiting_since": date(2019, 6, 1), "state": "waiting",
        }
        values.update(fields)
        client = Client(care_provider_id=self.orgs[provider], **values)
        self.session.add(client)
        self.session.flush()
        return client

    def dwelling(self, earmarks: tuple[str, ...] = (), **fields: Any) -> Dwelling:
        values: dict[str, Any] = {
            "corporation_id": self.orgs["Portaal"], "address": f"Motorkade {next(self._addresses)}",
            "postcode": "3531AB", "wijk": "Overvecht", "rooms": 2, "floor_area_m2": 48,
            "rent": Decimal("500.00"), "floor": 0, "has_lift": False, "accessible": False,
            "senior_label": False, "designation": "uitstroom", "lease_type": "direct",
            "available_from": date(2019, 9, 1), "state": "submitted", "submitted_at": NOW,
            "quarter": "2019Q4",
        }
        values.update(fields)
        dwelling = Dwelling(**values)
        self.session.add(dwelling)
        self.session.flush()
        for name in earmarks:
            self.session.add(DwellingEarmark(dwelling_id=dwelling.id,
                                             care_provider_id=self.orgs[name]))
        self.session.flush()
        return dwelling

    def let(self, provider: str, group: str, start_on: date) -> Lease:
        """A client housed through a lease: counts for the provider and the group's share."""
        housed = self.client(provider, target_group=group, state="housed")
        lease = Lease(client_id=housed.id, corporation_id=self.orgs["Portaal"],
                      care_provider_id=self.orgs[provider], lease_type="direct",
                      start_on=start_on)
        self.session.add(lease)
        self.session.flush()
        return lease

    def candidate(self, dwelling: Dwelling, client: Client, state: str) -> Candidate:
        """An earlier, closed round for the dwelling in which the client ended in `state`."""
        rounds = self.session.exec(
            select(func.count()).select_from(Proposal).where(Proposal.dwelling_id == dwelling.id)
        ).one()
        proposal = Proposal(dwelling_id=dwelling.id, round_no=rounds + 1, state="rejected",
                            opened_at=NOW, closed_at=NOW)
        self.session.add(proposal)
        self.session.flush()
        candidate = Candidate(proposal_id=proposal.id, client_id=client.id,
                              dwelling_id=dwelling.id, position=1, state=state)
        self.session.add(candidate)
        self.session.flush()
        return candidate

    def contingent(self, provider: str, amount: int, year: int = TODAY.year) -> None:
        self.session.add(Contingent(year=year, care_provider_id=self.orgs[provider],
                                    contingent=amount, manual=True))
        self.session.flush()


def clear(session: Session) -> None:
    """Remove every row the tests add, keeping the reference data."""
    # The pool's profile goes too, as a bulk delete of clients bypasses its upkeep; the next
    # commit that changes a client builds it again.
    for model in (Candidate, Proposal, DwellingEarmark, Lease, Dwelling, Client, Contingent,
                  PoolProfile, PoolGroupTotal, PoolProfileBasis):
        session.exec(delete(model))  # type: ignore[call-overload]
    session.commit()


def facts_of(client: Client) -> ClientFacts:
    """The pure facts of a row, built here rather than by the engine."""
    assert client.id is not None and client.waiting_since is not None
    return ClientFacts(
        id=client.id, care_provider_id=client.care_provider_id,
        target_group=client.target_group, phase=client.phase, adults=client.adults,
        children=client.children, birth_year=client.birth_year,
        annual_income=client.annual_income, needs=frozenset(client.needs),
        excluded_wijken=frozenset(client.excluded_wijken), flip_lease_ok=client.flip_lease_ok,
        waiting_since=client.waiting_since,
    )


def dwelling_facts_of(dwelling: Dwelling, earmark_ids: set[int],
                      rejected_ids: set[int]) -> DwellingFacts:
    assert dwelling.id is not None
    return DwellingFacts(
        id=dwelling.id, wijk=dwelling.wijk, rooms=dwelling.rooms,
        floor_area_m2=dwelling.floor_area_m2, rent=Decimal(dwelling.rent), floor=dwelling.floor,
        has_lift=dwelling.has_lift, accessible=dwelling.accessible,
        senior_label=dwelling.senior_label, designation=dwelling.designation,
        lease_type=dwelling.lease_type, earmarked_care_provider_ids=frozenset(earmark_ids),
        rejected_client_ids=frozenset(rejected_ids), self_contained=dwelling.self_contained,
    )


def limits_on(session: Session, today: date) -> Limits:
    return limits_for(year_parameters(session, today.year), today)


# --- the SQL agrees with the pure rules and ranking -------------------------------------------


@dataclass(frozen=True)
class ClientSpec:
    provider: str
    group: str
    phase: str
    adults: int
    children: int
    age: int
    income: int
    needs: tuple[str, ...]
    excluded: tuple[str, ...]
    flip_ok: bool
    waited: int
    state: str
    earlier_round: str | None  # rejected (excludes) or not_chosen (does not)


@dataclass(frozen=True)
class DwellingSpec:
    wijk: str
    rooms: int
    area: int
    rent: Decimal
    floor: int
    lift: bool
    accessible: bool
    senior: bool
    designation: str
    lease_type: str
    earmarks: tuple[str, ...]
    self_contained: bool = True


@dataclass(frozen=True)
class WorldSpec:
    today: date
    clients: list[ClientSpec]
    dwelling: DwellingSpec
    contingents: dict[str, int]
    lets: list[tuple[str, str, int]]  # provider, group, days before today


# Rents on and around every passend-toewijzen limit of 2019 and 2022.
_EDGES = [Decimal(v) + Decimal(d) for v in ("424.44", "597.30", "640.14", "442.46", "633.25",
                                             "678.66") for d in ("-0.01", "0", "0.01")]
# The young-adult net rent (250) without and with the example housing benefit (188).
_EDGES += [Decimal(v) + Decimal(d) for v in ("250", "438") for d in ("-0.01", "0", "0.01")]
_INCOMES = [22699, 22700, 22701, 30824, 30825, 30826]


def often(value: Any, other: st.SearchStrategy[Any], times: int = 3) -> st.SearchStrategy[Any]:
    """Mostly `value` (so that enough clients stay eligible), sometimes anything of `other`.

    The rare choice sits in the middle: hypothesis favours the ends of a range.
    """
    choices = [True] * times + [False] + [True] * times
    return st.sampled_from(choices).flatmap(lambda usual: st.just(value) if usual else other)


@st.composite
def worlds(draw: st.DrawFn) -> WorldSpec:
    today = draw(st.sampled_from((TODAY, date(2022, 3, 1), date(2019, 5, 31))))
    ambition = (today - (today - relativedelta(months=3))).days
    dwelling = draw(st.builds(
        DwellingSpec,
        wijk=st.sampled_from(WIJKEN),
        rooms=st.integers(1, 4),
        area=st.integers(20, 90),
        rent=st.one_of(st.sampled_from(_EDGES),
                       st.integers(35000, 72000).map(lambda c: Decimal(c).scaleb(-2))),
        floor=st.sampled_from((0, 0, 1, 3)),
        lift=st.booleans(),
        accessible=st.booleans(),
        senior=often(False, st.just(True)),
        designation=often("uitstroom", st.just("instroom"), 2),
        lease_type=st.sampled_from(("direct", "flip", "campus")),
        earmarks=often((), st.lists(st.sampled_from(PROVIDERS), min_size=1, max_size=2,
                                    unique=True).map(tuple)),
        self_contained=often(True, st.just(False), 2),
    ))
    other_phase = "instroom" if dwelling.designation == "uitstroom" else "uitstroom"
    client = st.builds(
        ClientSpec,
        provider=st.sampled_from(PROVIDERS),
        group=st.sampled_from(GROUPS),
        phase=often(dwelling.designation, st.just(other_phase), 5),
        adults=often(1, st.integers(1, 2)),
        children=often(0, st.integers(0, 4)),
        age=st.one_of(st.integers(18, 80), st.sampled_from((17, 18, 19, 22, 23, 54, 55))),
        income=st.one_of(st.integers(9000, 40000), st.sampled_from(_INCOMES)),
        needs=often((), st.sets(st.sampled_from(NEEDS), min_size=1, max_size=2).map(
            lambda s: tuple(sorted(s)))),
        excluded=often((), st.sets(st.sampled_from(WIJKEN), min_size=1, max_size=2).map(
            lambda s: tuple(sorted(s)))),
        flip_ok=often(True, st.just(False)),
        # A wait may start after the day ranked for (a replay of an earlier day).
        waited=st.one_of(st.integers(-3, 500),
                         st.sampled_from((ambition - 1, ambition, 10, 30, 200))),
        state=often("waiting", st.sampled_from(("on_hold", "proposed")), 5),
        earlier_round=often(None, st.sampled_from(("rejected", "not_chosen")), 5),
    )
    return WorldSpec(
        today=today,
        clients=draw(st.lists(client, min_size=2, max_size=12)),
        dwelling=dwelling,
        contingents=draw(st.dictionaries(st.sampled_from(PROVIDERS), st.integers(0, 12))),
        lets=draw(st.lists(st.tuples(st.sampled_from(PROVIDERS), st.sampled_from(GROUPS),
                                     st.integers(0, 450)), max_size=6)),
    )


@dataclass
class Built:
    dwelling: Dwelling
    facts: DwellingFacts
    clients: list[Client]


def build(session: Session, world: WorldSpec) -> Built:
    rows = Rows(session)
    spec = world.dwelling
    dwelling = rows.dwelling(
        earmarks=spec.earmarks, wijk=spec.wijk, rooms=spec.rooms, floor_area_m2=spec.area,
        rent=spec.rent, floor=spec.floor, has_lift=spec.lift, accessible=spec.accessible,
        senior_label=spec.senior, designation=spec.designation, lease_type=spec.lease_type,
        self_contained=spec.self_contained,
    )
    clients, rejected = [], set()
    for c in world.clients:
        client = rows.client(
            c.provider, target_group=c.group, phase=c.phase, adults=c.adults,
            children=c.children, birth_year=world.today.year - c.age, annual_income=c.income,
            needs=list(c.needs), excluded_wijken=list(c.excluded), flip_lease_ok=c.flip_ok,
            waiting_since=world.today - timedelta(days=c.waited), state=c.state,
        )
        clients.append(client)
        if c.earlier_round is not None:
            rows.candidate(dwelling, client, c.earlier_round)
            if c.earlier_round == "rejected":
                rejected.add(client.id)
    for provider, amount in world.contingents.items():
        rows.contingent(provider, amount, world.today.year)
    for provider, group, days in world.lets:
        rows.let(provider, group, world.today - timedelta(days=days))
    session.commit()
    earmark_ids = {rows.orgs[name] for name in spec.earmarks}
    return Built(dwelling, dwelling_facts_of(dwelling, earmark_ids, rejected), clients)


def check_context_against_the_data(result: Suggestions, world: WorldSpec,
                                   built: Built) -> None:
    """The group and provider standings are computed from the rows, as the policy says."""
    today = world.today
    waiting = [c for c in built.clients if c.state == "waiting"]
    by_group: dict[str, list[int]] = {}
    for c in waiting:
        by_group.setdefault(c.target_group, []).append((today - c.waiting_since).days)
    since = today - relativedelta(months=12)
    recent = Counter(g for _, g, days in world.lets if today - timedelta(days=days) > since)
    total = sum(recent.values())
    groups = result.context.groups
    assert set(groups) == set(by_group)
    for code, waits in by_group.items():
        assert groups[code].waiting == len(waits)
        assert groups[code].average_wait_days == pytest.approx(mean(waits))
        assert groups[code].recent_share == pytest.approx(recent[code] / total if total else 0)
    year_start = date(today.year, 1, 1)
    housed = Counter(p for p, _, days in world.lets
                     if today - timedelta(days=days) >= year_start)
    providers = {s.name: s for s in result.context.providers.values()}
    assert set(providers) == set(world.contingents)
    for name, amount in world.contingents.items():
        assert (providers[name].contingent, providers[name].housed) == (amount, housed[name])


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=worlds())
def test_the_sql_suggests_exactly_the_clients_the_pure_rules_accept_in_the_pure_order(
    reference: Session, world: WorldSpec
):
    with Session(reference.get_bind(), expire_on_commit=False) as session:
        clear(session)
        built = build(session, world)
        limits = limits_on(session, world.today)
        # The engine counts over the pool's profile once it is classified for the year
        # ranked for (the tick does that); the scan over the clients must agree.
        refresh_profile(session, world.today)
        session.commit()
        assert is_current(session.connection(), limits)
        assert stored(session.connection()) == count_pool(
            session.connection(), current_basis(session.connection()))
        result = suggest(session, built.dwelling, today=world.today,
                         limit=len(built.clients) or None)
        scanned = scan_clients(session, built.facts, limits)
        assert (result.eligible, result.excluded) == (
            scanned["eligible"], {name: scanned[name] for name in RULE_NAMES})

        facts = {c.id: facts_of(c) for c in built.clients}
        waiting = [facts[c.id] for c in built.clients if c.state == "waiting"]
        verdicts = {c.id: first_failing_rule(c, built.facts, limits) for c in waiting}
        eligible = [c for c in waiting if verdicts[c.id] is None]
        counted = Counter(v for v in verdicts.values() if v is not None)

        assert result.waiting == len(waiting)
        assert result.eligible == len(eligible)
        assert result.excluded == {name: counted[name] for name in RULE_NAMES}
        assert result.waiting == result.eligible + sum(result.excluded.values())
        for suggestion in result.suggestions:
            assert suggestion.client == facts[suggestion.client.id]
            assert first_failing_rule(suggestion.client, built.facts, limits) is None
        expected = sorted(eligible, key=lambda c: sort_key(score(c, result.context), c))
        assert [s.client.id for s in result.suggestions] == [c.id for c in expected]
        assert [s.rank for s in result.suggestions] == list(range(1, len(expected) + 1))
        for suggestion in result.suggestions:
            assert suggestion.score == score(facts[suggestion.client.id], result.context)
        check_context_against_the_data(result, world, built)

        # A short list (the engine prunes the pool for it) is the head of the full ranking.
        for size in (1, 2, 3):
            top = suggest(session, built.dwelling, today=world.today, limit=size)
            assert [s.client.id for s in top.suggestions] == [c.id for c in expected[:size]]

        # The dry run tells each client the same story.
        rank = {c.id: position for position, c in enumerate(expected, start=1)}
        for row in built.clients:
            verdict = explain_client(session, built.dwelling, row, today=world.today,
                                     round_size=3)
            if row.state != "waiting":
                assert verdict.status == "not_waiting"
            elif verdicts[row.id] is not None:
                assert (verdict.status, verdict.rule) == ("excluded", verdicts[row.id])
            else:
                assert verdict.rank == rank[row.id]
                assert verdict.status == ("suggested" if rank[row.id] <= 3 else "ranked_lower")
                assert verdict.score == score(facts[row.id], result.context)


@pytest.mark.parametrize(("year", "low", "high", "youth"), [
    (2019, "597.30", "640.14", "424.44"),
    (2022, "633.25", "678.66", "442.46"),
])
def test_the_passend_toewijzen_limits_are_the_seeded_year_values(
    reference: Session, year: int, low: str, high: str, youth: str
):
    limits = limits_on(reference, date(year, 6, 1))
    assert (limits.aftoppingsgrens_low, limits.aftoppingsgrens_high,
            limits.kwaliteitskortingsgrens) == (Decimal(low), Decimal(high), Decimal(youth))


# --- the same answer on SQLite and PostgreSQL -------------------------------------------------


def build_parity_data(session: Session) -> tuple[Dwelling, dict[str, Client]]:
    """A fixed, varied data set: ties on waiting start, every rule, standings that matter."""
    rows = Rows(session)
    chance = random.Random(2019)
    dwelling = rows.dwelling(rooms=3, floor_area_m2=60, rent=Decimal("610.00"), floor=2,
                             has_lift=True, wijk="Zuidwest")
    named: dict[str, Client] = {}
    starts = [TODAY - timedelta(days=d) for d in (10, 45, 92, 93, 120, 120, 200, 365, 400)]
    for index in range(80):
        client = rows.client(
            chance.choice(PROVIDERS), target_group=chance.choice(GROUPS),
            phase=chance.choice(("uitstroom",) * 5 + ("instroom",)),
            adults=chance.choice((1, 1, 2)), children=chance.choice((0, 0, 0, 1, 2, 5)),
            birth_year=chance.randint(1940, 2000),
            annual_income=chance.choice((15000, 21000, 26000, 30000, 35000)),
            needs=chance.choice(([], [], [], ["lift"], ["ground_floor"], ["wheelchair"])),
            excluded_wijken=chance.choice(([], [], [], ["Zuidwest"], ["West"])),
            flip_lease_ok=chance.random() < 0.8, waiting_since=chance.choice(starts),
            state=chance.choice(("waiting",) * 8 + ("on_hold",)),
        )
        named[f"c{index}"] = client
    rows.candidate(dwelling, named["c3"], "rejected")
    rows.candidate(dwelling, named["c4"], "not_chosen")
    for provider, amount in zip(PROVIDERS, (12, 3, 0, 8), strict=True):
        rows.contingent(provider, amount)
    lets = [("Lister", "vrouwenopvang", 30), ("Kwintes", "statushouder", 100),
            ("De Tussenvoorziening", "mobw_uitstroom", 400)]
    lets += [("De Tussenvoorziening", "statushouder", d) for d in (20, 60, 200, 250)]
    for provider, group, days in lets:  # De Tussenvoorziening is ahead, the others behind
        rows.let(provider, group, TODAY - timedelta(days=days))
    rows.user("Het Vierde Huis", "matcher")
    session.commit()
    return dwelling, named


def picture_of_the_engine(session: Session) -> dict[str, Any]:
    """Everything the engine says for the parity data set, in plain values."""
    dwelling, named = build_parity_data(session)
    result = suggest(session, dwelling, today=TODAY, limit=100)
    matcher = session.exec(select(User).where(User.role == "matcher")).one()
    verdicts = {}
    for client in named.values():
        run = dry_run(session, dwelling_id=dwelling.id, actor=matcher, client_id=client.id,
                      now=NOW)
        v = run.verdict
        assert v is not None
        verdicts[client.reference] = (v.status, v.rule, v.rank, v.text_nl, v.text_en,
                                      v.score.explanation(result.policy) if v.score else None)
    return {
        "policy": result.policy.version,
        "counts": (result.waiting, result.eligible, result.excluded),
        "suggestions": [(s.rank, s.client.id, s.score.total, s.score.explanation(result.policy))
                        for s in result.suggestions],
        "provider_points": result.context.provider_points,
        "group_points": result.context.group_points,
        "verdicts": verdicts,
    }


@pytest.fixture
def sqlite_and_postgres(tmp_path) -> Iterator[tuple[Session, Session]]:  # type: ignore[no-untyped-def]
    assert conftest.POSTGRES_URL
    sqlite_url = f"sqlite:///{tmp_path / 'parity.sqlite'}"
    SQLModel.metadata.create_all(get_engine(sqlite_url))
    postgres_url = conftest._reset_postgres(conftest.POSTGRES_URL)
    with (Session(get_engine(sqlite_url), expire_on_commit=False) as lite,
          Session(get_engine(postgres_url), expire_on_commit=False) as postgres):
        load_reference(lite)
        load_reference(postgres)
        yield lite, postgres
    get_engine(sqlite_url).dispose()
    get_engine(postgres_url).dispose()


@pytest.mark.skipif(not conftest.POSTGRES_URL,
                    reason="compares with PostgreSQL: set MATCHING_TEST_POSTGRES_URL")
def test_sqlite_and_postgresql_give_the_same_suggestions_counts_and_dry_run_verdicts(
    sqlite_and_postgres: tuple[Session, Session],
):
    lite, postgres = sqlite_and_postgres
    on_sqlite = picture_of_the_engine(lite)
    on_postgres = picture_of_the_engine(postgres)
    # The data set is rich enough to mean something: ties, exclusions, standings.
    waiting, eligible, excluded = on_sqlite["counts"]
    assert eligible >= 10 and sum(1 for n in excluded.values() if n) >= 4
    assert any(p > 0 for p in on_sqlite["provider_points"].values())
    assert any(p < 0 for p in on_sqlite["provider_points"].values())
    totals = [total for _, _, total, _ in on_sqlite["suggestions"]]
    assert len(set(totals)) < len(totals), "no tie left to break on waiting start or id"
    statuses = {v[0] for v in on_sqlite["verdicts"].values()}
    assert statuses == {"not_waiting", "excluded", "suggested", "ranked_lower"}
    for key in on_sqlite:
        assert on_sqlite[key] == on_postgres[key], key


# --- the dry run ------------------------------------------------------------------------------


@dataclass
class DryRunWorld:
    rows: Rows
    dwelling: Dwelling
    eligible: list[Client]  # longest wait first
    too_large: Client
    on_hold: Client


@pytest.fixture
def dry(reference: Session) -> DryRunWorld:
    rows = Rows(reference)
    dwelling = rows.dwelling()
    eligible = [rows.client(waiting_since=TODAY - timedelta(days=days))
                for days in (300, 200, 150, 100, 50)]
    too_large = rows.client(adults=2, children=4, waiting_since=TODAY - timedelta(days=400))
    on_hold = rows.client(state="on_hold", waiting_since=TODAY - timedelta(days=500))
    reference.commit()
    return DryRunWorld(rows, dwelling, eligible, too_large, on_hold)


def run_dry(w: DryRunWorld, client: Client | None, actor: User | None = None) -> Any:
    return dry_run(w.rows.session, dwelling_id=w.dwelling.id,
                   actor=actor or w.rows.user("Het Vierde Huis", "matcher"),
                   client_id=client.id if client else None, now=NOW)


def test_the_dry_run_names_the_rule_that_excludes_a_client_in_dutch_and_english(
    dry: DryRunWorld,
):
    run = run_dry(dry, dry.too_large)
    assert (run.verdict.status, run.verdict.rule, run.verdict.rank) == ("excluded", "household",
                                                                        None)
    assert run.verdict.text_nl.startswith("Het huishouden van 6 personen is te groot voor ")
    assert run.verdict.text_en.startswith("The household of 6 persons is too large for ")
    assert run.suggestions.excluded["household"] == 1
    assert dry.too_large.id not in run.suggestions.top_ids


def test_the_dry_run_gives_the_rank_of_an_eligible_client_lower_down(dry: DryRunWorld):
    last = dry.eligible[-1]
    run = run_dry(dry, last)
    assert (run.verdict.status, run.verdict.rule, run.verdict.rank) == ("ranked_lower", None, 5)
    assert run.suggestions.top_ids == [c.id for c in dry.eligible[:3]]
    assert run.verdict.score == score(facts_of(last), run.suggestions.context)
    points = run.verdict.score.total
    assert run.verdict.text_nl == f"geschikt, plaats 5 met {points} punten"
    assert run.verdict.text_en == f"eligible, ranked 5 with {points} points"
    top = run_dry(dry, dry.eligible[0]).verdict
    assert (top.status, top.rank) == ("suggested", 1)
    assert top.score == run.suggestions.suggestions[0].score


def test_suggestions_and_the_dry_run_write_the_clients_shown_to_the_access_log(
    dry: DryRunWorld,
):
    matcher = dry.rows.user("Het Vierde Huis", "matcher")
    shown = suggest_for_dwelling(dry.rows.session, dwelling_id=dry.dwelling.id, actor=matcher,
                                 now=NOW).top_ids
    run_dry(dry, dry.too_large, actor=matcher)
    logged = dry.rows.session.exec(
        select(AccessLog.client_id, AccessLog.user_id, AccessLog.purpose)).all()
    purpose = f"suggestions for dwelling {dry.dwelling.id}"
    assert sorted(logged) == sorted(
        [(c, matcher.id, purpose) for c in shown]
        + [(c, matcher.id, purpose) for c in sorted({*shown, dry.too_large.id})]
    )


def test_the_dry_run_says_when_a_client_is_not_waiting(dry: DryRunWorld):
    verdict = run_dry(dry, dry.on_hold).verdict
    assert (verdict.status, verdict.rule, verdict.rank, verdict.score) == (
        "not_waiting", None, None, None)
    assert "on_hold" in verdict.text_en and "on_hold" in verdict.text_nl


def test_the_dry_run_without_a_client_gives_only_the_suggestions(dry: DryRunWorld):
    run = run_dry(dry, None)
    assert run.verdict is None
    assert (run.suggestions.waiting, run.suggestions.eligible) == (6, 5)


@pytest.mark.parametrize(("organisation", "role"), [
    ("Portaal", "corporation"), ("Lister", "care_provider"), ("Gemeente Utrecht", "analyst"),
    ("Het Vierde Huis", "admin"),
])
def test_only_a_matcher_may_ask_for_suggestions_or_a_dry_run(
    dry: DryRunWorld, organisation: str, role: str
):
    actor = dry.rows.user(organisation, role)
    with pytest.raises(PermissionDenied):
        run_dry(dry, dry.eligible[0], actor)
    with pytest.raises(PermissionDenied):
        suggest_for_dwelling(dry.rows.session, dwelling_id=dry.dwelling.id, actor=actor,
                             now=NOW)


def test_a_dry_run_for_an_unknown_dwelling_is_not_found(dry: DryRunWorld):
    matcher = dry.rows.user("Het Vierde Huis", "matcher")
    with pytest.raises(NotFound):
        dry_run(dry.rows.session, dwelling_id=999_999, actor=matcher, now=NOW)


def test_a_dry_run_for_an_unknown_client_names_the_client_id(dry: DryRunWorld):
    matcher = dry.rows.user("Het Vierde Huis", "matcher")
    with pytest.raises(ValidationFailed) as error:
        dry_run(dry.rows.session, dwelling_id=dry.dwelling.id, actor=matcher,
                client_id=999_999, now=NOW)
    assert "client_id" in error.value.fields


# --- proposing through the engine -------------------------------------------------------------


def _picture(session: Session) -> dict[str, Any]:
    picture: dict[str, Any] = {
        model.__tablename__: sorted((r.id, r.state) for r in session.exec(select(model)))
        for model in (Dwelling, Client, Proposal, Candidate)
    }
    for model in (DwellingEvent, ClientEvent, ProposalEvent, CandidateEvent):
        picture[model.__tablename__] = session.exec(select(func.count()).select_from(model)).one()
    return picture


def picture(session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the database holds (a fresh session) and what the caller's session holds."""
    with Session(session.get_bind()) as fresh:
        return _picture(fresh), _picture(session)


def test_proposing_an_ineligible_client_is_refused_naming_the_rule_and_writes_nothing(
    reference: Session,
):
    rows = Rows(reference)
    matcher = rows.user("Het Vierde Huis", "matcher")
    dwelling = rows.dwelling(wijk="West")
    fits = rows.client(waiting_since=TODAY - timedelta(days=200))
    avoids_west = rows.client(excluded_wijken=["West"], waiting_since=TODAY - timedelta(days=300))
    reference.commit()
    before = picture(reference)
    with pytest.raises(ValidationFailed) as error:
        propose_candidates(reference, dwelling_id=dwelling.id,
                           client_ids=[fits.id, avoids_west.id], actor=matcher,
                           motivation="both know the neighbourhood", now=NOW)
    assert set(error.value.fields) == {"client_ids"}
    message = error.value.fields["client_ids"]
    assert str(avoids_west.id) in message and RULE_TEXT["district"][1] in message
    assert picture(reference) == before


def test_proposing_exactly_the_top_suggestions_needs_no_motivation_and_stores_the_explanation(
    reference: Session,
):
    rows = Rows(reference)
    matcher = rows.user("Het Vierde Huis", "matcher")
    rows.contingent("Lister", 10)
    dwelling = rows.dwelling()
    pool = [rows.client(provider, target_group=group, waiting_since=TODAY - timedelta(days=d))
            for provider, group, d in (("Lister", "mobw_uitstroom", 100),
                                       ("Jellinek", "vrouwenopvang", 140),
                                       ("Lister", "statushouder", 60),
                                       ("Kwintes", "mobw_uitstroom", 20))]
    reference.commit()
    suggestions = suggest_for_dwelling(reference, dwelling_id=dwelling.id, actor=matcher,
                                       now=NOW)
    top = suggestions.top_ids
    assert len(top) == 3 and set(top) < {c.id for c in pool}
    outsider = next(c.id for c in pool if c.id not in top)
    with pytest.raises(ValidationFailed) as error:
        propose_candidates(reference, dwelling_id=dwelling.id, client_ids=[top[0], outsider],
                           actor=matcher, now=NOW)
    assert "motivation" in error.value.fields

    proposal = propose_candidates(reference, dwelling_id=dwelling.id,
                                  client_ids=list(reversed(top)), actor=matcher, now=NOW)
    assert (proposal.deviates, proposal.motivation) == (False, None)
    assert proposal.policy_version == suggestions.policy.version
    assert proposal.policy_version.startswith("ranking-1/")
    stored = {c.client_id: c for c in reference.exec(
        select(Candidate).where(Candidate.proposal_id == proposal.id))}
    assert set(stored) == set(top)
    for suggestion in suggestions.suggestions:
        candidate = stored[suggestion.client.id]
        expected = suggestion.score.explanation(suggestions.policy)
        expected["suggested_rank"] = suggestion.rank
        assert candidate.explanation == expected
        assert candidate.score == suggestion.score.total == candidate.explanation["score"]
        factors = {f["factor"] for f in candidate.explanation["factors"]}
        assert factors >= {"waiting_time", "ambition", "group_priority"}
        assert all(f["nl"] and f["en"] for f in candidate.explanation["factors"])


# --- provider fairness and group priority from real data -------------------------------------


def test_a_provider_behind_its_contingent_gets_points_and_one_ahead_loses_them(
    reference: Session,
):
    rows = Rows(reference)
    beter_wonen = rows.user("Het Vierde Huis", "matcher")
    beter_wonen.contingent_manager = True
    for provider in ("Lister", "De Tussenvoorziening"):
        edit_contingent(reference, year=2019, care_provider_id=rows.orgs[provider],
                        contingent=10, reason="verdeling Beter Wonen", actor=beter_wonen,
                        now=NOW)
    for _ in range(10):
        rows.let("De Tussenvoorziening", "mobw_uitstroom", date(2019, 3, 1))
    rows.let("Lister", "mobw_uitstroom", date(2018, 12, 31))  # last year: does not count
    rows.let("Lister", "mobw_uitstroom", date(2019, 12, 1))  # not yet started: does not count
    dwelling = rows.dwelling()
    # The client of the provider ahead has the lower id, so a tie would go to them.
    of_ahead = rows.client("De Tussenvoorziening", waiting_since=date(2019, 6, 1))
    of_behind = rows.client("Lister", waiting_since=date(2019, 6, 1))
    reference.commit()

    result = suggest(reference, dwelling, today=TODAY, limit=5)
    lister, tussen = (result.context.providers[rows.orgs[n]]
                      for n in ("Lister", "De Tussenvoorziening"))
    assert (lister.contingent, lister.housed, tussen.contingent, tussen.housed) == (10, 0, 10, 10)
    due = 10 * ((TODAY - date(2019, 1, 1)).days + 1) / 365
    assert lister.due_by_now == pytest.approx(due)
    points = result.context.provider_points
    assert points[lister.care_provider_id] == round(60 * due / 10) > 0
    assert points[tussen.care_provider_id] == round(60 * (due - 10) / 10) < 0
    assert result.top_ids == [of_behind.id, of_ahead.id]
    texts = {s.client.id: {f.name: f for f in s.score.factors} for s in result.suggestions}
    assert "achter op het contingent" in texts[of_behind.id]["provider_fairness"].text_nl
    assert "behind its contingent" in texts[of_behind.id]["provider_fairness"].text_en
    assert "voor op het contingent" in texts[of_ahead.id]["provider_fairness"].text_nl
    assert "ahead of its contingent" in texts[of_ahead.id]["provider_fairness"].text_en


def _group_contest(reference: Session, first: dict[str, Any], second: dict[str, Any]
                   ) -> tuple[Suggestions, Client, Client]:
    """Two groups; the contestants wait equally long, and the second's has the lower id."""
    rows = Rows(reference)
    dwelling = rows.dwelling()
    same_start = TODAY - timedelta(days=100)
    contestant_b = rows.client(target_group="statushouder", waiting_since=same_start)
    contestant_a = rows.client(target_group="vrouwenopvang", waiting_since=same_start)
    for group, spec in (("vrouwenopvang", first), ("statushouder", second)):
        for days in spec.get("others", ()):
            rows.client(target_group=group, waiting_since=TODAY - timedelta(days=days))
        for days in spec.get("lets", ()):
            rows.let("Jellinek", group, TODAY - timedelta(days=days))
    reference.commit()
    result = suggest(reference, dwelling, today=TODAY, limit=20)
    return result, contestant_a, contestant_b


def _assert_first_group_wins(result: Suggestions, a: Client, b: Client) -> None:
    groups = result.context.groups
    assert (groups["vrouwenopvang"].rank, groups["statushouder"].rank) == (1, 2)
    assert result.context.group_points == {"vrouwenopvang": 45, "statushouder": 0}
    order = result.top_ids
    assert order.index(a.id) < order.index(b.id)
    by_id = {s.client.id: s.score for s in result.suggestions}
    assert by_id[a.id].total - by_id[b.id].total == 45


def test_a_group_with_a_longer_average_wait_gets_priority_over_a_larger_group(
    reference: Session,
):
    result, a, b = _group_contest(reference, {"others": (300,)},
                                     {"others": (10, 10, 10, 10)})
    assert result.context.groups["vrouwenopvang"].average_wait_days == pytest.approx(200)
    _assert_first_group_wins(result, a, b)


def test_on_equal_average_wait_the_group_with_more_waiting_gets_priority(reference: Session):
    result, a, b = _group_contest(reference, {"others": (100, 100), "lets": (30, 30)},
                                     {"others": (100,)})
    groups = result.context.groups
    assert groups["vrouwenopvang"].average_wait_days == groups["statushouder"].average_wait_days
    assert (groups["vrouwenopvang"].waiting, groups["statushouder"].waiting) == (3, 2)
    _assert_first_group_wins(result, a, b)


def test_on_equal_wait_and_numbers_the_group_with_fewer_recent_lettings_gets_priority(
    reference: Session,
):
    result, a, b = _group_contest(reference, {"others": (100,), "lets": (30, 500)},
                                     {"others": (100,), "lets": (30, 60)})
    groups = result.context.groups
    assert (groups["vrouwenopvang"].waiting, groups["statushouder"].waiting) == (2, 2)
    # Only lettings of the last twelve months count: 1 of 3 against 2 of 3.
    assert groups["vrouwenopvang"].recent_share == pytest.approx(1 / 3)
    assert groups["statushouder"].recent_share == pytest.approx(2 / 3)
    _assert_first_group_wins(result, a, b)


def test_clients_whose_wait_starts_after_the_day_ranked_are_still_found(reference: Session):
    """A replay of an earlier day can meet waits that start later: the engine's read by
    ranges of waiting starts must still reach them (scenario 13 met this)."""
    rows = Rows(reference)
    dwelling = rows.dwelling()
    later = [rows.client(waiting_since=TODAY + timedelta(days=days)) for days in (2, 4, 6)]
    reference.commit()

    result = suggest(reference, dwelling, today=TODAY, limit=3)
    assert result.eligible == 3
    assert result.top_ids == [c.id for c in later]
