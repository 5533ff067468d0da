"""Smoke tests of benchmarks/engine.py and benchmarks/reports.py: a quick run on SQLite
prints its figures as JSON.

No timing is asserted here: the targets are for the full run on a quiet machine.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "engine.py"

KEYS = {
    "suggest_p50_ms", "suggest_p95_ms", "batch_1000_s", "peak_rss_mb", "naive_over_engine",
    "clients", "dwellings", "database", "build_s", "eligible_median", "example",
}


def test_quick_run_ends_with_the_figures_as_json() -> None:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    lines = completed.stdout.strip().splitlines()
    assert len(lines) > 1  # readable lines first
    figures = json.loads(lines[-1])
    assert set(figures) >= KEYS
    assert figures["database"] == "sqlite"
    assert figures["clients"] == 2000 and figures["dwellings"] == 100
    example = figures["example"]
    assert example["waiting"] == example["eligible"] + sum(example["excluded"].values())
    assert figures["naive_agrees"] is True  # the engine and the naive baseline agree


REPORTS = ROOT / "benchmarks" / "reports.py"


def test_a_quick_run_of_the_reports_benchmark_times_closed_and_open_quarters() -> None:
    completed = subprocess.run(  # SQLite: the PostgreSQL run is the full benchmark's
        [sys.executable, str(REPORTS), "--quick", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    lines = completed.stdout.strip().splitlines()
    assert len(lines) > 1  # readable lines first
    figures = json.loads(lines[-1])
    assert figures["backend"] == "sqlite"
    for key in ("quarter_report_s", "dashboard_s", "close_quarter_s"):
        assert figures[key] > 0
    # The history reached every table, and the quarters before the timed ones were closed.
    assert figures["dwellings"] == 500 and figures["clients"] == 1200
    assert all(count > 0 for count in figures["rows"].values())
    assert figures["closed_quarters"][-1] == figures["close_quarter"]
    assert figures["quarter_report"] not in figures["closed_quarters"]
