"""Load benchmark of the JSON API: the whole Bijlage 5 loop, from many integrators at once
(issue 14: >= 200 state transitions a second with 0 errors and every invariant intact).

    python benchmarks/api_loop.py                       # SQLite, 16 API clients, 60 s
    python benchmarks/api_loop.py --quick --json        # 4 API clients, 8 s (the smoke run)
    python benchmarks/api_loop.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1:5432/test --schema bench_api_loop

Builds a database (`matching db upgrade`, `seed reference`; no demo), gives every API client
(a thread) three users with a bearer token each: a corporation user (the corporations in
turn), a matcher of Het Vierde Huis and a care-provider user (the providers in turn). It
starts `matching serve --workers N` on a free port and each thread then runs the loop of
Bijlage 5 through the public API, dwelling after dwelling, as its three integrators would:

- the care provider registers clients (`POST /clients`) and the agency approves them
  (`POST /clients/{id}/approve`) until the thread has `--candidates` waiting clients;
- the corporation creates a dwelling and submits it (`POST /dwellings`, `.../submit`);
- the agency proposes the thread's waiting clients (`POST /dwellings/{id}/proposals`, with a
  motivation: they need not be the engine's top of the whole pool), the corporation rejects
  all but the last with a reason code and accepts the last (`POST /proposals/{id}/decisions`);
- the agency records the client's answer to the offer (`POST /dwellings/{id}/offer`): a share
  (`--decline-share`) declines validly, which sends the dwelling back for another round;
- the corporation lets the dwelling (`POST /dwellings/{id}/let`): the client is housed.

At the end of `--duration` (or after `--dwellings` in all) a thread starts no new dwelling
but finishes the one in hand, so every dwelling ends let. Then the database is checked:
no dwelling let twice, every let dwelling has exactly one lease whose client is housed, no
client in two open offers or rounds, every row's state reached through an unbroken chain of
event rows, and the counts of states add up to what the API answered. Prints the state
transitions (event rows written) per second, p50/p95 per endpoint and the errors (any 5xx,
any other status than the expected one, a failed connection); the last line is one JSON
object with `--json`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text
from sqlmodel import Session, col, select

from matching.db import get_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_databases import drop_schema, prepare_database  # noqa: E402
from web import _free_port, _matching, _wait_until_up, latency_figures  # noqa: E402

TARGET_TRANSITIONS_PER_S = 200.0
EVENT_TABLES = {  # event table -> (row table, key column)
    "dwelling_event": ("dwelling", "dwelling_id"),
    "client_event": ("client", "client_id"),
    "proposal_event": ("proposal", "proposal_id"),
    "candidate_event": ("candidate", "candidate_id"),
    "lease_event": ("lease", "lease_id"),
}
MOTIVATION = "Gekozen uit de eigen wachtenden van deze integratie (benchmark)"


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent API clients")
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds during which new dwellings are started")
    parser.add_argument("--dwellings", type=int, default=0,
                        help="stop after this many dwellings in all (0: by --duration)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--candidates", type=int, default=3, help="candidates per round")
    parser.add_argument("--decline-share", type=float, default=0.1,
                        help="share of offers the client declines (validly)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL base URL (a schema of its own, dropped afterwards "
                             "unless --keep) or a new SQLite file; default a temp SQLite file")
    parser.add_argument("--schema", default="bench_api_loop",
                        help="the PostgreSQL schema (dropped and created)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    parser.add_argument("--quick", action="store_true",
                        help="4 API clients for 8 seconds (unless given)")
    arguments = parser.parse_args(argv)
    if arguments.quick:  # explicit options still win
        defaults = {"clients": 16, "duration": 60.0}
        for name, quick in (("clients", 4), ("duration", 8.0)):
            if getattr(arguments, name) == defaults[name]:
                setattr(arguments, name, quick)
    return arguments


# --- the fixture: reference data, users and tokens -------------------------------------------


@dataclass(frozen=True)
class Integrator:
    """One API client's three tokens, and the organisations they act for."""

    number: int
    corporation_id: int
    care_provider_id: int
    tokens: dict[str, str]


def _integrators(url: str, count: int) -> tuple[list[Integrator], dict[str, list[str]]]:
    """Create three users with a token per API client; return them and the reference codes."""
    from matching.models import District, Organisation, ReasonCode
    from matching.services.users import create_api_token, create_user, hash_password

    with Session(get_engine(url), expire_on_commit=False) as session:
        organisations = list(session.exec(select(Organisation).order_by(col(Organisation.id))))
        by_kind: dict[str, list[Organisation]] = defaultdict(list)
        for organisation in organisations:
            if organisation.active and organisation.has_agreements:  # others may not submit
                by_kind[organisation.kind].append(organisation)
        agency = by_kind["agency"][0]
        shared_hash = hash_password("benchmark wachtwoord api")  # one slow hash for all
        integrators = []
        for number in range(count):
            corporation = by_kind["corporation"][number % len(by_kind["corporation"])]
            provider = by_kind["care_provider"][number % len(by_kind["care_provider"])]
            tokens = {}
            for role, organisation in (("corporation", corporation), ("matcher", agency),
                                       ("care_provider", provider)):
                user = create_user(session, email=f"api{number}.{role}@bench.example",
                                   organisation_name=organisation.name, role=role,
                                   password="benchmark wachtwoord api",
                                   password_hash=shared_hash)
                tokens[role] = create_api_token(session, user=user)
            assert corporation.id is not None and provider.id is not None
            integrators.append(Integrator(number, corporation.id, provider.id, tokens))
        codes = {
            "landlord": [r.code for r in session.exec(select(ReasonCode))
                         if r.kind == "landlord" and r.code not in ("dwelling_withdrawn",)],
            "candidate": [r.code for r in session.exec(select(ReasonCode))
                          if r.kind == "candidate"],
            "wijken": [d.name for d in session.exec(select(District))
                       if d.kind == "wijk"],
        }
    return integrators, codes


# --- the load: one thread per API client ------------------------------------------------------


@dataclass
class Tally:
    """What the API answered, shared by the threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    done: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.latencies[label].append(seconds * 1000)
            if problem is not None:
                self.errors[label] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{label}: {problem}")

    def count(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.done[what] += n


class LoopFailed(Exception):
    """An answer the loop cannot go on from (it is counted as an error already)."""


class Loop:
    """One integrator running dwelling after dwelling through the API."""

    def __init__(self, base: str, who: Integrator, codes: dict[str, list[str]], tally: Tally,
                 arguments: argparse.Namespace) -> None:
        self.base = base
        self.who = who
        self.codes = codes
        self.tally = tally
        self.arguments = arguments
        self.rng = random.Random(arguments.seed * 1000 + who.number)
        self.http = requests.Session()
        self.waiting: list[int] = []
        self.made = 0

    def call(self, role: str, label: str, path: str, body: Any = None,
             expect: int = 200) -> dict[str, Any]:
        started = time.perf_counter()
        problem = None
        answer: dict[str, Any] = {}
        try:
            response = self.http.post(
                f"{self.base}/api/v1{path}", json=body, timeout=60,
                headers={"Authorization": f"Bearer {self.who.tokens[role]}"})
            if response.status_code != expect:
                problem = f"{response.status_code} {response.text[:300]}"
            else:
                answer = response.json()
        except (requests.RequestException, ValueError) as error:
            problem = f"{type(error).__name__}: {error}"
        self.tally.add(label, time.perf_counter() - started, problem)
        if problem is not None:
            raise LoopFailed(problem)
        return answer

    def _client(self) -> None:
        self.made += 1
        body = {
            "reference": f"API-{self.who.number}-{self.made}",
            "target_group": "mobw_uitstroom", "adults": 1, "children": 0,
            "birth_year": 1970 + self.rng.randrange(30),
            "annual_income": 14000 + self.rng.randrange(6000),
            "flip_lease_ok": True, "support_confirmed": True,
        }
        made = self.call("care_provider", "POST /clients", "/clients", body, 201)
        self.tally.count("clients_registered")
        approved = self.call("matcher", "POST /clients/{id}/approve",
                             f"/clients/{made['id']}/approve")
        assert approved["state"] == "waiting", approved
        self.tally.count("clients_approved")
        self.waiting.append(made["id"])

    def dwelling(self) -> None:
        """Run one dwelling from its creation to its letting."""
        lease_type = self.rng.choice(("direct", "direct", "flip"))
        body = {
            "address": f"Benchmarkstraat {self.who.number}-{self.made + 1}, Utrecht",
            "postcode": "3531AB", "wijk": self.rng.choice(self.codes["wijken"]),
            "rooms": 2, "floor_area_m2": 48, "rent": "560.00", "floor": 0,
            "has_lift": False, "accessible": False, "designation": "uitstroom",
            "lease_type": lease_type, "available_from": date.today().isoformat(),
        }
        made = self.call("corporation", "POST /dwellings", "/dwellings", body, 201)
        self.tally.count("dwellings_created")
        path = f"/dwellings/{made['id']}"
        self.call("corporation", "POST /dwellings/{id}/submit", f"{path}/submit")
        self.tally.count("dwellings_submitted")
        tried: set[int] = set()  # rejected for or declined this dwelling: not again
        while True:
            while len([c for c in self.waiting if c not in tried]) < self.arguments.candidates:
                self._client()
            chosen = [c for c in self.waiting if c not in tried][: self.arguments.candidates]
            tried.update(chosen[:-1])
            round_ = self.call("matcher", "POST /dwellings/{id}/proposals", f"{path}/proposals",
                               {"client_ids": chosen, "motivation": MOTIVATION}, 201)
            self.tally.count("rounds")
            decisions = f"/proposals/{round_['id']}/decisions"
            for client_id in chosen[:-1]:
                self.call("corporation", "POST /proposals/{id}/decisions (reject)", decisions,
                          {"client_id": client_id, "decision": "reject",
                           "reason_code": self.rng.choice(self.codes["landlord"]),
                           "motivation": "Past niet in dit portiek (benchmark)"})
                self.tally.count("rejections")
            accepted = self.call("corporation", "POST /proposals/{id}/decisions (accept)",
                                 decisions, {"client_id": chosen[-1], "decision": "accept"})
            assert accepted["dwelling"]["state"] == "matched", accepted["dwelling"]
            self.tally.count("acceptances")
            self.waiting.remove(chosen[-1])
            if self.rng.random() < self.arguments.decline_share:
                answer = self.call("matcher", "POST /dwellings/{id}/offer (declined)",
                                   f"{path}/offer",
                                   {"answer": "declined", "valid": True,
                                    "reason_code": self.rng.choice(self.codes["candidate"]),
                                    "motivation": "De cliënt wil een andere buurt (benchmark)"})
                assert answer["state"] == "submitted", answer
                self.tally.count("offers_declined")
                self.waiting.append(chosen[-1])  # waiting again, behind the others
                tried.add(chosen[-1])
                continue
            self.call("matcher", "POST /dwellings/{id}/offer (accepted)", f"{path}/offer",
                      {"answer": "accepted"})
            self.tally.count("offers_accepted")
            let = self.call("corporation", "POST /dwellings/{id}/let", f"{path}/let",
                            {"lease_start": date.today().isoformat(), "lease_type": lease_type})
            assert let["state"] == "let" and let["lease"]["client_id"] == chosen[-1], let
            self.tally.count("dwellings_let")
            return


def _run_loop(loop: Loop, until: float, budget: list[int], budget_lock: threading.Lock
              ) -> None:
    while time.monotonic() < until:
        with budget_lock:
            if budget[0] == 0:
                return
            budget[0] -= 1
        try:
            loop.dwelling()
        except LoopFailed:
            loop.tally.count("loops_broken")
            return  # the error is counted; a broken loop would only add follow-on errors
        except AssertionError as error:
            loop.tally.add("unexpected answer", 0.0, str(error)[:300])
            loop.tally.count("loops_broken")
            return


# --- afterwards: the invariants ---------------------------------------------------------------


def _invariants(url: str, tally: Tally) -> dict[str, list[str]]:
    """Every broken invariant, by name, with a few examples (an empty list: it holds)."""
    engine = get_engine(url)
    broken: dict[str, list[str]] = {}
    with engine.connect() as db:
        def rows(sql: str) -> list[Any]:
            return list(db.execute(text(sql)))

        broken["no_dwelling_let_twice"] = [
            f"dwelling {r[0]}: {r[1]} leases" for r in rows(
                "SELECT dwelling_id, count(*) FROM lease WHERE dwelling_id IS NOT NULL "
                "GROUP BY dwelling_id HAVING count(*) > 1")
        ] + [f"dwelling {r[0]}: let {r[1]} times" for r in rows(
            "SELECT dwelling_id, count(*) FROM dwelling_event WHERE trigger = 'let' "
            "GROUP BY dwelling_id HAVING count(*) > 1")]
        broken["every_let_dwelling_has_one_lease_and_a_housed_client"] = [
            f"dwelling {r[0]} ({r[1]} leases, client {r[2]} {r[3]})" for r in rows(
                "SELECT d.id, (SELECT count(*) FROM lease l WHERE l.dwelling_id = d.id), "
                "d.matched_client_id, c.state FROM dwelling d "
                "LEFT JOIN client c ON c.id = d.matched_client_id WHERE d.state = 'let' AND ("
                "(SELECT count(*) FROM lease l WHERE l.dwelling_id = d.id "
                " AND l.client_id = d.matched_client_id) != 1 "
                "OR (SELECT count(*) FROM lease l WHERE l.dwelling_id = d.id) != 1 "
                "OR c.state IS NULL OR c.state != 'housed')")
        ] + [f"housed client {r[0]} has {r[1]} leases" for r in rows(
            "SELECT c.id, count(l.id) FROM client c LEFT JOIN lease l ON l.client_id = c.id "
            "WHERE c.state = 'housed' GROUP BY c.id HAVING count(l.id) != 1")]
        broken["no_client_in_two_open_offers"] = [
            f"client {r[0]}: {r[1]} open offers" for r in rows(
                "SELECT matched_client_id, count(*) FROM dwelling "
                "WHERE state IN ('matched', 'offer_accepted') GROUP BY matched_client_id "
                "HAVING count(*) > 1")
        ] + [f"client {r[0]}: in {r[1]} open rounds" for r in rows(
            "SELECT c.client_id, count(*) FROM candidate c JOIN proposal p "
            "ON p.id = c.proposal_id WHERE p.state IN ('open', 'overdue') "
            "AND c.state = 'pending' GROUP BY c.client_id HAVING count(*) > 1")]
        chains: list[str] = []
        for events, (table, key) in EVENT_TABLES.items():
            states = dict(rows(f"SELECT id, state FROM {table}"))
            trail: dict[int, list[tuple[str | None, str]]] = defaultdict(list)
            for owner, before, after in rows(
                    f"SELECT {key}, from_state, to_state FROM {events} ORDER BY {key}, id"):
                trail[owner].append((before, after))
            for owner, state in states.items():
                steps = trail.get(owner, [])
                ok = bool(steps) and steps[0][0] is None and steps[-1][1] == state and all(
                    a[1] == b[0] for a, b in zip(steps, steps[1:], strict=False))
                if not ok and len(chains) < 10:
                    chains.append(f"{table} {owner} is {state}: events {steps}")
                elif not ok:
                    chains.append("...")
            chains += [f"{events} for a missing {table} {o}" for o in set(trail) - set(states)]
        broken["every_state_change_has_its_event_row"] = chains
        counts = {table: dict(rows(f"SELECT state, count(*) FROM {table} GROUP BY state"))
                  for table in ("dwelling", "client", "proposal", "lease")}
        totals = {table: rows(f"SELECT count(*) FROM {table}")[0][0]
                  for table in ("dwelling", "client", "proposal", "lease")}
    done = tally.done
    broken["counts_of_states_add_up"] = [
        f"{what}: the database has {have}, the API answered {want}"
        for what, have, want in (
            ("dwellings", totals["dwelling"], done["dwellings_created"]),
            ("dwellings let", counts["dwelling"].get("let", 0), done["dwellings_let"]),
            ("leases", totals["lease"], done["dwellings_let"]),
            ("rounds", totals["proposal"], done["rounds"]),
            ("accepted rounds", counts["proposal"].get("accepted", 0), done["acceptances"]),
            ("clients", totals["client"], done["clients_registered"]),
            ("clients housed", counts["client"].get("housed", 0), done["dwellings_let"]),
            ("clients waiting", counts["client"].get("waiting", 0),
             done["clients_approved"] - done["dwellings_let"]),
        ) if have != want
    ] + [f"{table}: states {counts[table]} do not add up to {totals[table]}"
         for table in counts if sum(counts[table].values()) != totals[table]]
    if not done["loops_broken"]:  # every loop finished its dwelling: nothing may be open
        broken["counts_of_states_add_up"] += [
            f"{table} left {state}: {n}" for table, state in (
                ("dwelling", "submitted"), ("dwelling", "proposed"), ("dwelling", "matched"),
                ("dwelling", "offer_accepted"), ("proposal", "open"), ("client", "proposed"),
                ("client", "matched"), ("client", "offer_accepted"))
            if (n := counts[table].get(state, 0))]
    return broken


def _event_count(url: str) -> int:
    with get_engine(url).connect() as db:
        return sum(db.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                   for t in EVENT_TABLES)


# --- the report -------------------------------------------------------------------------------


def _report(tally: Tally, arguments: argparse.Namespace, backend: str, seconds: float,
            transitions: int, broken: dict[str, list[str]]) -> dict[str, Any]:
    endpoints = {label: latency_figures(values, tally.errors.get(label, 0))
                 for label, values in sorted(tally.latencies.items())}
    errors = sum(tally.errors.values())
    rate = transitions / seconds if seconds else 0.0
    intact = not any(broken.values())
    return {
        "backend": backend, "clients": arguments.clients, "workers": arguments.workers,
        "duration_s": arguments.duration, "elapsed_s": round(seconds, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "requests": sum(row["requests"] for row in endpoints.values()),
        "requests_per_s": round(sum(row["requests"] for row in endpoints.values()) / seconds, 1)
        if seconds else 0.0,
        "transitions": transitions, "transitions_per_s": round(rate, 1),
        "errors": errors, "error_samples": tally.samples,
        "invariants": {name: not problems for name, problems in broken.items()},
        "invariant_problems": {name: problems[:5] for name, problems in broken.items()
                               if problems},
        "counts": dict(sorted(tally.done.items())),
        "target_met": rate >= TARGET_TRANSITIONS_PER_S and errors == 0 and intact,
        "endpoints": endpoints,
    }


def _print(result: dict[str, Any], arguments: argparse.Namespace) -> None:
    print(f"{result['backend']}: {result['clients']} API clients, {result['workers']} workers, "
          f"{result['elapsed_s']} s (load average {result['load_average']}): "
          f"{result['requests']} requests, {result['errors']} errors")
    print(f"{'endpoint':45s} {'n':>6s} {'p50':>8s} {'p95':>8s} {'max':>8s} {'err':>4s}")
    for label, row in result["endpoints"].items():
        print(f"{label:45s} {row['requests']:6d} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
              f"{row['max_ms']:8.1f} {row['errors']:4d}")
    for sample in result["error_samples"]:
        print(f"error: {sample}")
    print("counts: " + ", ".join(f"{k} {v}" for k, v in result["counts"].items()))
    for name, holds in result["invariants"].items():
        print(f"invariant {name}: {'holds' if holds else 'BROKEN'}")
        for problem in result["invariant_problems"].get(name, []):
            print(f"    {problem}")
    verdict = "met" if result["target_met"] else "NOT met"
    print(f"{result['transitions']} state transitions, {result['transitions_per_s']} a second; "
          f"target >= {TARGET_TRANSITIONS_PER_S:.0f}/s with 0 errors and every invariant "
          f"intact: {verdict}")
    if arguments.json:
        print(json.dumps(result))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    arguments = _arguments(argv)
    backend = "sqlite"
    if arguments.database_url and not arguments.database_url.startswith("sqlite"):
        backend = "postgresql"
    with tempfile.TemporaryDirectory(prefix="matching-api-bench-") as folder:
        url = prepare_database(arguments.database_url, Path(folder), arguments.schema)
        env = dict(os.environ, MATCHING_INSTANCE_DIR=folder, MATCHING_SECRET_KEY="benchmark",
                   MATCHING_DATABASE_URL=url)
        try:
            started = time.perf_counter()
            _matching("db", "upgrade", env=env)
            _matching("seed", "reference", env=env)
            integrators, codes = _integrators(url, arguments.clients)
            print(f"database and {len(integrators)} API clients ready in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
            before = _event_count(url)
            get_engine(url).dispose()
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [sys.executable, "-m", "matching", "serve", "--port", str(port),
                 "--workers", str(arguments.workers)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            tally = Tally()
            try:
                _wait_until_up(base, server)
                budget = [arguments.dwellings or -1]
                budget_lock = threading.Lock()
                started = time.perf_counter()
                until = time.monotonic() + arguments.duration
                threads = [threading.Thread(target=_run_loop, args=(
                    Loop(base, who, codes, tally, arguments), until, budget, budget_lock))
                    for who in integrators]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                seconds = time.perf_counter() - started
            finally:
                server.terminate()
                server.wait(timeout=30)
            transitions = _event_count(url) - before
            broken = _invariants(url, tally)
            get_engine(url).dispose()
        finally:
            if backend == "postgresql" and not arguments.keep:
                drop_schema(arguments.database_url, arguments.schema)
    result = _report(tally, arguments, backend, seconds, transitions, broken)
    _print(result, arguments)
    return result


if __name__ == "__main__":
    main()
