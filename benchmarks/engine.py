"""Benchmark of the matching engine at regional scale (product.md sections 6 and 10).

    python benchmarks/engine.py --clients 50000 --json
    python benchmarks/engine.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Builds a database with a realistic waiting list and a quarter's worth of submitted dwellings
(bulk-inserted with SQLAlchemy Core: a benchmark fixture, not product data, so the pool's
profile is then built as the daily tick builds it), then measures `matching.engine.suggest`
(top 3 with explanations and exclusion counts), the floor (the same counts and top 3 from
plain SQL: one scan with a CASE per rule plus the indexed top 3, no explanations), the engine
with its profile switched off (it scans, as on a database whose profile is not built yet), a
batch of dwellings one after the other, the peak memory, and a naive baseline that loads
every waiting client into Python and applies the pure rules and score. See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, insert, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, col, select

from matching.db import get_engine
from matching.engine.context import build_context, limits_for, policy_for
from matching.engine.counts import scan_clients
from matching.engine.facts import ClientFacts
from matching.engine.profile import basis_for, rebuild
from matching.engine.ranking import Score, score, sort_key
from matching.engine.rules import RULE_NAMES, first_failing_rule
from matching.engine.suggest import Suggestions, _Run, _top, client_facts, dwelling_facts, suggest
from matching.migrations import upgrade
from matching.models import Client, Dwelling, Organisation, PoolProfileBasis, TargetGroup
from matching.parameters import year_parameters
from matching.services.reference import load_reference

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_databases import drop_schema, prepare_database  # noqa: E402

TODAY = date(2025, 6, 2)  # a fixed day, so every run ranks the same data the same way
TOP_N = 3
SCHEMA = "bench"
CHUNK = 5_000

# Care providers of Beter Wonen by share of the referrals; the rest of the 30 weigh 1.
PROVIDER_WEIGHTS = {
    "Lister": 18, "De Tussenvoorziening": 16, "Leger des Heils": 14, "Altrecht": 7,
    "Kwintes": 6, "Fivoor": 5, "Jellinek": 4, "BACK UP": 4, "Lievegoed": 3, "Exodus": 3,
    "Moviera": 3, "Buurtteams Sociaal": 2, "Singelzicht": 2, "Humanitas": 2,
}
PROVIDER_COUNT = 30
GROUP_WEIGHTS = {
    "mobw_uitstroom": 58, "mobw_instroom": 13, "statushouder": 8, "jongvolwassene": 6,
    "vrouwenopvang": 4, "wlz_forensisch": 3, "citydeal": 2, "doorstroom_tijdelijk": 2,
    "wonen_na_detentie": 2, "corporatiehotel": 1, "urgent": 1,
}
# The ten Utrecht districts, weighted by their share of the social stock (Overvecht 22%).
WIJK_WEIGHTS = {
    "Overvecht": 22, "Zuidwest": 16, "Noordwest": 16, "Zuid": 11, "Leidsche Rijn": 11,
    "Oost": 6, "West": 6, "Noordoost": 5, "Vleuten-De Meern": 4, "Binnenstad": 3,
}
CORPORATION_WEIGHTS = {"Mitros": 35, "Portaal": 30, "Bo-Ex": 20, "GroenWest": 10, "SSH": 5}


@dataclass(frozen=True)
class Settings:
    clients: int
    dwellings: int
    suggest_runs: int
    batch: int
    naive_runs: int
    warmup: int
    seed: int


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, Settings]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, help="waiting clients (default 50000)")
    parser.add_argument("--dwellings", type=int, help="submitted dwellings (default 2000)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir; "
                        f"a PostgreSQL URL gets its own schema '{SCHEMA}', dropped first")
    parser.add_argument("--json", action="store_true",
                        help="end with one line holding every figure as a JSON object")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2,000 clients, 100 dwellings, few repetitions")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true",
                        help=f"PostgreSQL: keep the schema '{SCHEMA}' afterwards (for EXPLAIN)")
    args = parser.parse_args(argv)
    if args.quick:
        settings = Settings(args.clients or 2_000, args.dwellings or 100, suggest_runs=20,
                            batch=100, naive_runs=5, warmup=1, seed=args.seed)
    else:
        clients = args.clients or 50_000
        # The baseline loads the whole pool into Python: at 500,000 that is half a minute a
        # run, so fewer runs there.
        settings = Settings(clients, args.dwellings or 2_000, suggest_runs=200, batch=1_000,
                            naive_runs=20 if clients <= 50_000 else 3, warmup=3,
                            seed=args.seed)
    if settings.clients < 100 or settings.dwellings < 10:
        parser.error("need at least 100 clients and 10 dwellings")
    return args, settings


# --- the database ------------------------------------------------------------------------


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _insert(connection: Connection, name: str, rows: Iterator[dict[str, Any]]) -> int:
    """Insert rows in chunks with one executemany each; return how many."""
    table, count, chunk = _table(name), 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            connection.execute(insert(table), chunk)
            count, chunk = count + len(chunk), []
    if chunk:
        connection.execute(insert(table), chunk)
        count += len(chunk)
    return count


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class World:
    """What the fixture built: the ids the measurements pick from."""

    submitted_dwelling_ids: list[int]
    waiting_clients: int
    housed_clients: int
    past_leases: int
    rejected_rounds: int


def build_world(engine: Engine, settings: Settings) -> World:
    """Fill the (migrated, reference-loaded) database with the benchmark's data."""
    rng = random.Random(settings.seed)
    with Session(engine) as session:
        orgs = session.exec(select(Organisation).order_by(col(Organisation.id))).all()
        phase_of = {g.code: g.phase for g in session.exec(select(TargetGroup))}
    ids = {o.name: o.id or 0 for o in orgs}
    providers = [o.name for o in orgs if o.kind == "care_provider" and o.name != "Beter Wonen"]
    providers = providers[:PROVIDER_COUNT]
    provider_weights = {ids[name]: PROVIDER_WEIGHTS.get(name, 1) for name in providers}
    corporations = {ids[name]: weight for name, weight in CORPORATION_WEIGHTS.items()}
    groups = {code: w for code, w in GROUP_WEIGHTS.items() if code in phase_of}
    now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    quarter = f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}"

    def client_row(client_id: int, state: str, weights: Mapping[int, float]) -> dict[str, Any]:
        group = _weighted(rng, groups)
        shape = rng.random()
        if shape < 0.75:
            adults, children = 1, 0
        elif shape < 0.87:
            adults, children = 2, 0
        elif shape < 0.95:
            adults, children = 1, rng.randint(1, 2)
        else:
            adults, children = 2, rng.randint(1, 3)
        if group == "jongvolwassene":
            birth_year = rng.randint(1998, 2006)
        else:
            birth_year = max(1950, min(2006, round(rng.triangular(1950, 2006, 1988))))
        income = (rng.randint(13_000, 24_000) if rng.random() < 0.85
                  else rng.randint(24_000, 40_000))
        needs_draw = rng.random()
        needs = (["ground_floor"] if needs_draw < 0.05 else ["lift"] if needs_draw < 0.08
                 else ["wheelchair", "ground_floor"] if needs_draw < 0.10 else [])
        excluded = (rng.sample(list(WIJK_WEIGHTS), rng.randint(1, 2)) if rng.random() < 0.15
                    else [])
        preferred = rng.sample(list(WIJK_WEIGHTS), rng.randint(0, 3))
        waiting_since = TODAY - timedelta(days=rng.randint(0, 3 * 365))
        return {
            "id": client_id, "care_provider_id": _weighted(rng, weights),
            "reference": f"BENCH-{client_id:07d}", "target_group": group,
            "adults": adults, "children": children, "birth_year": birth_year,
            "annual_income": income, "needs": needs, "excluded_wijken": excluded,
            "preferred_wijken": preferred, "flip_lease_ok": rng.random() < 0.5,
            "support_confirmed": True, "phase": phase_of[group],
            "registered_on": waiting_since - timedelta(days=rng.randint(0, 60)),
            "waiting_since": waiting_since, "state": state, "version": 1, "created_at": now,
        }

    def dwelling_row(dwelling_id: int, state: str, matched: int | None) -> dict[str, Any]:
        rooms = rng.choices([1, 2, 3, 4], weights=[15, 45, 30, 10])[0]
        area = max(30, min(95, round(rng.gauss(22 + rooms * 16, 6))))
        rent = Decimal(max(400, min(800, round(rng.gauss(330 + area * 5.2, 60))))).quantize(
            Decimal("0.01"))
        floor = rng.choices([0, 1, 2, 3, 4, 6, 9], weights=[30, 20, 18, 12, 10, 6, 4])[0]
        instroom = rng.random() < 0.25
        return {
            "id": dwelling_id, "corporation_id": _weighted(rng, corporations),
            "address": f"Benchmarkstraat {dwelling_id}", "postcode": "3500AA",
            "wijk": _weighted(rng, WIJK_WEIGHTS), "complex_code": None, "rooms": rooms,
            "floor_area_m2": area, "rent": rent, "floor": floor,
            "has_lift": floor >= 3 or (floor > 0 and rng.random() < 0.3),
            "accessible": rng.random() < 0.1, "senior_label": rng.random() < 0.06,
            "designation": "instroom" if instroom else "uitstroom",
            "lease_type": "flip" if instroom else rng.choices(
                ["direct", "flip", "campus"], weights=[60, 35, 5])[0],
            "available_from": TODAY + timedelta(days=rng.randint(14, 90)), "state": state,
            "version": 1, "quarter": quarter, "submitted_at": now, "matched_client_id": matched,
            "created_at": now,
        }

    waiting = settings.clients
    past = max(20, settings.clients // 50)  # lettings of the last 18 months
    housed_ids = list(range(waiting + 1, waiting + past + 1))
    submitted_ids = list(range(1, settings.dwellings + 1))
    let_ids = list(range(settings.dwellings + 1, settings.dwellings + past + 1))
    rejected = rng.sample(submitted_ids, max(1, settings.dwellings // 10))
    # Providers house at uneven rates, so some are behind their contingent and some ahead.
    housed_weights = {pid: w * rng.uniform(0.3, 1.7) for pid, w in provider_weights.items()}
    total_weight = sum(provider_weights.values())
    yearly = past * 12 // 18  # the year's contingents match the pace of the past lettings

    with engine.begin() as connection:
        _insert(connection, "contingent", (
            {"year": TODAY.year, "care_provider_id": pid,
             "contingent": max(1, round(yearly * weight / total_weight)), "manual": False}
            for pid, weight in provider_weights.items()))
        _insert(connection, "client", (client_row(i, "waiting", provider_weights)
                                       for i in range(1, waiting + 1)))
        _insert(connection, "client", (client_row(i, "housed", housed_weights)
                                       for i in housed_ids))
        _insert(connection, "dwelling", (dwelling_row(i, "submitted", None)
                                         for i in submitted_ids))
        _insert(connection, "dwelling", (dwelling_row(d, "let", c)
                                         for d, c in zip(let_ids, housed_ids, strict=True)))
        provider_of: dict[int, int] = dict(connection.execute(
            text("SELECT id, care_provider_id FROM client WHERE state = 'housed'")).all())
        corporation_of: dict[int, int] = dict(connection.execute(
            text("SELECT id, corporation_id FROM dwelling WHERE state = 'let'")).all())
        _insert(connection, "lease", (
            {"id": n, "dwelling_id": d, "client_id": c, "corporation_id": corporation_of[d],
             "tenant_care_provider_id": None, "care_provider_id": provider_of[c],
             "lease_type": "direct", "is_institution": False, "address": None,
             "start_on": TODAY - timedelta(days=rng.randint(0, 540)), "state": "active",
             "version": 1, "created_at": now}
            for n, (d, c) in enumerate(zip(let_ids, housed_ids, strict=True), start=1)))
        # Earlier rounds: a tenth of the dwellings had one round whose three were rejected.
        _insert(connection, "proposal", (
            {"id": n, "dwelling_id": d, "round_no": 1, "state": "rejected", "version": 1,
             "policy_version": "ranking-1/2019", "deviates": False, "opened_at": now,
             "closed_at": now}
            for n, d in enumerate(rejected, start=1)))
        _insert(connection, "candidate", (
            {"id": (n - 1) * TOP_N + p, "proposal_id": n, "client_id": c, "dwelling_id": d,
             "position": p, "state": "rejected", "version": 1, "decided_at": now}
            for n, d in enumerate(rejected, start=1)
            for p, c in enumerate(rng.sample(range(1, waiting + 1), TOP_N), start=1)))
        # Earmarks: a few new-build dwellings reserved for one or two named providers.
        earmarked = rng.sample(submitted_ids, max(1, settings.dwellings // 40))
        _insert(connection, "dwelling_earmark", (
            {"dwelling_id": d, "care_provider_id": pid}
            for d in earmarked
            for pid in rng.sample(list(provider_weights)[:12], rng.randint(1, 2))))
        leases = connection.execute(text("SELECT count(*) FROM lease")).scalar_one()
        if connection.dialect.name == "postgresql":
            for name in ("client", "dwelling", "lease", "proposal", "candidate"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"))
    if engine.dialect.name == "postgresql":
        # What autovacuum does to a table after many inserts (PostgreSQL 13+): statistics for
        # the planner, and the visibility map without which no index-only scan is chosen.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return World(submitted_ids, waiting, past, int(leases), len(rejected))


# --- the measurements --------------------------------------------------------------------


def timed_suggest(engine: Engine, dwelling_id: int) -> tuple[float, float, Suggestions]:
    """Run suggest() in a fresh session; time only the call: wall time and this process's CPU."""
    with Session(engine) as session:
        dwelling = session.get(Dwelling, dwelling_id)
        assert dwelling is not None
        start, cpu = time.perf_counter(), time.process_time()
        result = suggest(session, dwelling, today=TODAY, limit=TOP_N)
        return time.perf_counter() - start, time.process_time() - cpu, result


@dataclass(frozen=True)
class NaiveResult:
    eligible: int
    excluded: dict[str, int]
    top: list[tuple[ClientFacts, Score]]


def naive_suggest(engine: Engine, dwelling_id: int) -> tuple[float, NaiveResult]:
    """The baseline: every waiting client into Python, pure rules, pure score, sort, top 3.

    It gets the same year parameters and ranking context as the engine (the context's
    aggregates are SQL in both), so the difference is how the pool is filtered and ranked.
    """
    with Session(engine) as session:
        dwelling = session.get(Dwelling, dwelling_id)
        assert dwelling is not None
        start = time.perf_counter()
        parameters = year_parameters(session, TODAY.year)
        limits = limits_for(parameters, TODAY)
        context = build_context(session, policy_for(parameters), TODAY)
        facts = dwelling_facts(session, dwelling)
        rows = session.exec(select(Client).where(Client.state == "waiting")).all()
        excluded = dict.fromkeys(RULE_NAMES, 0)
        eligible: list[tuple[ClientFacts, Score]] = []
        for row in rows:
            client = client_facts(row)
            rule = first_failing_rule(client, facts, limits)
            if rule is None:
                eligible.append((client, score(client, context)))
            else:
                excluded[rule] += 1
        eligible.sort(key=lambda pair: sort_key(pair[1], pair[0]))
        result = NaiveResult(len(eligible), excluded, eligible[:TOP_N])
        return time.perf_counter() - start, result


def build_profile(engine: Engine) -> tuple[float, int]:
    """Build the pool's profile for TODAY's year as the tick does after a bulk load; return
    the seconds it took and the number of profiles."""
    start = time.perf_counter()
    with Session(engine) as session:
        parameters = year_parameters(session, TODAY.year)
        profiles = rebuild(session.connection(), basis_for(limits_for(parameters, TODAY)))
        session.commit()
    return time.perf_counter() - start, profiles


def switch_profile_off(engine: Engine) -> None:
    """Forget the profile's basis: the engine then scans the clients, as before its first
    build."""
    with Session(engine) as session:
        session.exec(delete(PoolProfileBasis))
        session.commit()


def timed_floor(engine: Engine, dwelling_id: int) -> tuple[float, list[int], dict[str, int]]:
    """The floor: the counts from one scan with a CASE per rule, and the top 3 from the
    indexed walk, in plain SQL (facts, limits and the ranking context are read before the
    clock starts; no explanations)."""
    with Session(engine) as session:
        dwelling = session.get(Dwelling, dwelling_id)
        assert dwelling is not None
        parameters = year_parameters(session, TODAY.year)
        limits = limits_for(parameters, TODAY)
        run = _Run(dwelling_facts(session, dwelling), limits,
                   build_context(session, policy_for(parameters), TODAY), TOP_N)
        start = time.perf_counter()
        counts = scan_clients(session, run.facts, limits)
        top = _top(session, run, TOP_N, counts["eligible"])
        elapsed = time.perf_counter() - start
    return elapsed, [row.id or 0 for row in top], dict(counts)


def percentile(values: Sequence[float], pct: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def run(args: argparse.Namespace, settings: Settings, workdir: Path) -> dict[str, Any]:
    say = print
    url = prepare_database(args.database_url, workdir, SCHEMA)
    try:
        return measure(url, settings)
    finally:
        get_engine(url).dispose()
        if args.database_url and not url.startswith("sqlite"):
            if args.keep:
                say(f"kept: {url}")
            else:
                drop_schema(args.database_url, SCHEMA)


def measure(url: str, settings: Settings) -> dict[str, Any]:
    say = print
    engine = get_engine(url)
    database = engine.dialect.name
    load_before = load_average()
    say(f"database: {database} ({engine.url.render_as_string(hide_password=True)})")
    say(f"load_avg_1m: {load_before} on {os.cpu_count()} CPUs (timings are wall clock)")

    start = time.perf_counter()
    upgrade(url)
    with Session(engine) as session:
        load_reference(session)
    world = build_world(engine, settings)
    build_s = time.perf_counter() - start
    say(f"clients: {world.waiting_clients} waiting (+{world.housed_clients} housed)")
    say(f"dwellings: {len(world.submitted_dwelling_ids)} submitted, {world.past_leases} "
        f"past leases, {world.rejected_rounds} earlier rejected rounds")
    say(f"build_s: {build_s:.2f} (migrations, reference data, bulk insert)")
    profile_s, profiles = build_profile(engine)
    say(f"profile: {profiles} profiles of the {world.waiting_clients} waiting clients, built "
        f"in {profile_s:.2f} s (once; then kept by each commit that changes a client)")

    rng = random.Random(settings.seed + 1)
    order = list(world.submitted_dwelling_ids)
    rng.shuffle(order)
    sample = order[:min(settings.suggest_runs, len(order))]
    for dwelling_id in order[-settings.warmup:]:
        timed_suggest(engine, dwelling_id)  # warm the connection pool and the page cache

    times, cpu_times, results = [], [], []
    for dwelling_id in sample:
        elapsed, cpu, result = timed_suggest(engine, dwelling_id)
        times.append(elapsed)
        cpu_times.append(cpu)
        results.append(result)
    p50, p95 = statistics.median(times) * 1000, percentile(times, 95) * 1000
    cpu_p50 = statistics.median(cpu_times) * 1000
    eligible_median = statistics.median(r.eligible for r in results)
    say(f"suggest: {len(sample)} dwellings, one fresh session each: p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, max {max(times) * 1000:.1f} ms (CPU of this process: "
        f"p50 {cpu_p50:.1f} ms)")
    say(f"eligible_median: {eligible_median:g} of {world.waiting_clients} waiting")
    example = results[0]
    say(f"example dwelling {example.dwelling_id}: {example.waiting} waiting, "
        f"{example.eligible} eligible; excluded "
        + ", ".join(f"{n} {rule}" for rule, n in example.excluded.items() if n))
    for s in example.suggestions:
        say(f"  {s.rank}. client {s.client.id}: {s.score.total} points ("
            + ", ".join(f"{f.name} {f.points}" for f in s.score.factors) + ")")

    floor_times, floor_agrees = [], True
    for dwelling_id, engine_result in zip(sample, results, strict=True):
        elapsed, top_ids, counts = timed_floor(engine, dwelling_id)
        floor_times.append(elapsed)
        floor_agrees = floor_agrees and top_ids == engine_result.top_ids and counts.get(
            "eligible", 0) == engine_result.eligible and all(
            counts.get(rule, 0) == n for rule, n in engine_result.excluded.items())
    floor_p50 = statistics.median(floor_times) * 1000
    say(f"floor: {len(floor_times)} dwellings, plain SQL scan + indexed top {TOP_N}: "
        f"p50 {floor_p50:.1f} ms, p95 {percentile(floor_times, 95) * 1000:.1f} ms; "
        f"engine_over_floor {p50 / floor_p50:.2f}; same top and counts: {floor_agrees}")

    switch_profile_off(engine)
    off_times = [timed_suggest(engine, dwelling_id)[0] for dwelling_id in sample[:50]]
    off_p50 = statistics.median(off_times) * 1000
    build_profile(engine)
    say(f"profile off: {len(off_times)} dwellings, the engine scanning the clients: "
        f"p50 {off_p50:.1f} ms (with the profile: {p50:.1f} ms)")

    batch_ids = [order[i % len(order)] for i in range(settings.batch)]
    start = time.perf_counter()
    for dwelling_id in batch_ids:
        with Session(engine) as session:
            dwelling = session.get(Dwelling, dwelling_id)
            assert dwelling is not None
            suggest(session, dwelling, today=TODAY, limit=TOP_N)
    batch_s = time.perf_counter() - start
    batch_1000_s = batch_s * 1000 / len(batch_ids)
    say(f"batch: {len(batch_ids)} dwellings one after the other in {batch_s:.2f} s "
        f"(batch_1000_s {batch_1000_s:.2f})")
    rss_engine = peak_rss_mb()
    say(f"peak_rss_mb: {rss_engine:.0f} (build and engine runs, before the naive baseline)")

    naive_times, agrees = [], True
    for dwelling_id, engine_result in zip(sample[:settings.naive_runs], results, strict=False):
        elapsed, naive = naive_suggest(engine, dwelling_id)
        naive_times.append(elapsed)
        agrees = agrees and (
            [c.id for c, _ in naive.top] == engine_result.top_ids
            and [s.total for _, s in naive.top] == [s.score.total
                                                    for s in engine_result.suggestions]
            and naive.eligible == engine_result.eligible
            and naive.excluded == engine_result.excluded)
    naive_p50 = statistics.median(naive_times) * 1000
    rss_total = peak_rss_mb()
    say(f"naive: {len(naive_times)} dwellings: p50 {naive_p50:.1f} ms; "
        f"naive_over_engine {naive_p50 / p50:.1f}; same top {TOP_N} and counts: {agrees}")
    say(f"peak_rss_total_mb: {rss_total:.0f} (after the naive baseline)")
    load_after = load_average()
    say(f"load_avg_1m: {load_after} at the end")
    return {
        "load_avg_1m": [load_before, load_after], "suggest_cpu_p50_ms": round(cpu_p50, 2),
        "database": database, "clients": world.waiting_clients,
        "dwellings": len(world.submitted_dwelling_ids), "build_s": round(build_s, 3),
        "suggest_runs": len(sample), "suggest_p50_ms": round(p50, 2),
        "suggest_p95_ms": round(p95, 2), "suggest_max_ms": round(max(times) * 1000, 2),
        "batch_dwellings": len(batch_ids), "batch_s": round(batch_s, 3),
        "batch_1000_s": round(batch_1000_s, 3), "peak_rss_mb": round(rss_engine, 1),
        "peak_rss_total_mb": round(rss_total, 1), "eligible_median": eligible_median,
        "naive_runs": len(naive_times), "naive_p50_ms": round(naive_p50, 2),
        "naive_over_engine": round(naive_p50 / p50, 2), "naive_agrees": agrees,
        "profiles": profiles, "profile_build_s": round(profile_s, 3),
        "floor_query_p50_ms": round(floor_p50, 2),
        "floor_query_p95_ms": round(percentile(floor_times, 95) * 1000, 2),
        "engine_over_floor": round(p50 / floor_p50, 2), "floor_agrees": floor_agrees,
        "suggest_profile_off_p50_ms": round(off_p50, 2),
        "example": {"dwelling_id": example.dwelling_id, "waiting": example.waiting,
                    "eligible": example.eligible, "excluded": example.excluded,
                    "top": example.top_ids},
    }


def main(argv: Sequence[str] | None = None) -> int:
    args, settings = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="matching-bench-") as workdir:
        figures = run(args, settings, Path(workdir))
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
