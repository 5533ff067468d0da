"""Smoke test of benchmarks/api_loop.py: a quick run of the Bijlage 5 loop through the API
under gunicorn, from four API clients at once, without a single error, every invariant
intact, and printed figures that are what the database recorded.

No speed is asserted here: the target (>= 200 transitions a second) is for the full run on
PostgreSQL on a quiet machine.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from matching.db import get_engine

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "api_loop.py"
EVENT_TABLES = ("dwelling_event", "client_event", "proposal_event", "candidate_event",
                "lease_event")

pytestmark = pytest.mark.slow
Run = tuple[str, list[str], dict[str, Any]]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A quick run on an SQLite file kept for the checks below (whatever the suite's
    database: the PostgreSQL run is the full benchmark's)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('api-loop') / 'loop.sqlite'}"
    env = {k: v for k, v in os.environ.items() if k != "MATCHING_TEST_POSTGRES_URL"}
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", "--decline-share", "0.3",
         "--database-url", url],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False, env=env,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    lines = completed.stdout.strip().splitlines()
    return url, lines, json.loads(lines[-1])


def test_a_quick_run_goes_round_the_loop_without_errors_and_keeps_every_invariant(run: Run) -> None:
    _, lines, result = run
    assert result["backend"] == "sqlite" and result["clients"] == 4
    assert result["errors"] == 0, result["error_samples"]
    assert result["invariants"] and all(result["invariants"].values()), result
    assert set(result["invariants"]) == {
        "no_dwelling_let_twice", "every_let_dwelling_has_one_lease_and_a_housed_client",
        "no_client_in_two_open_offers", "every_state_change_has_its_event_row",
        "counts_of_states_add_up"}
    endpoints = set(result["endpoints"])
    assert {
        "POST /clients", "POST /clients/{id}/approve", "POST /dwellings",
        "POST /dwellings/{id}/submit", "POST /dwellings/{id}/proposals",
        "POST /proposals/{id}/decisions (reject)", "POST /proposals/{id}/decisions (accept)",
        "POST /dwellings/{id}/offer (accepted)", "POST /dwellings/{id}/let",
    } <= endpoints, endpoints
    assert all(row["requests"] > 0 and row["p95_ms"] >= row["p50_ms"] > 0
               for row in result["endpoints"].values())
    assert "state transitions" in "\n".join(lines[:-1])


def test_the_printed_figures_are_what_the_database_recorded(run: Run) -> None:
    url, _, result = run
    with get_engine(url).connect() as db:
        def count(sql: str) -> int:
            return int(db.execute(text(sql)).scalar_one())

        events = sum(count(f"SELECT count(*) FROM {table}") for table in EVENT_TABLES)
        dwellings = count("SELECT count(*) FROM dwelling")
        let = count("SELECT count(*) FROM dwelling WHERE state = 'let'")
        leases = count("SELECT count(*) FROM lease")
        housed = count("SELECT count(*) FROM client WHERE state = 'housed'")
        clients = count("SELECT count(*) FROM client")
        rounds = count("SELECT count(*) FROM proposal")
        rejected = count("SELECT count(*) FROM candidate WHERE state = 'rejected'")
        declined = count("SELECT count(*) FROM dwelling_event WHERE trigger = 'decline_offer'")
    get_engine(url).dispose()
    counts = result["counts"]
    assert result["transitions"] == events > 0  # no events before the loop: no demo data
    assert result["requests"] == sum(row["requests"] for row in result["endpoints"].values())
    assert counts["dwellings_created"] == dwellings == let == leases == housed
    assert counts["dwellings_let"] == let and counts["clients_registered"] == clients
    assert counts["rounds"] == rounds and counts["rejections"] == rejected
    assert counts.get("offers_declined", 0) == declined
    # The rate is the transitions over the unrounded seconds, printed to 0.1; the seconds
    # are printed to 0.01, so they bound the rate only within their rounding.
    elapsed, transitions = result["elapsed_s"], result["transitions"]
    slowest, fastest = transitions / (elapsed + 0.005), transitions / (elapsed - 0.005)
    assert slowest - 0.05 <= result["transitions_per_s"] <= fastest + 0.05
