"""Smoke test of benchmarks/web.py: a quick run serves the demo data with gunicorn, signs in
every role, drives their pages and the form posts of their journeys without a single error
and prints its figures as JSON.

No timing is asserted here: the target (p95 <= 150 ms) is for the full run on a quiet machine.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "web.py"


def test_a_quick_run_drives_every_roles_pages_without_errors() -> None:
    # On SQLite whatever the suite's database: the PostgreSQL run is the full benchmark's.
    env = {k: v for k, v in os.environ.items() if k != "MATCHING_TEST_POSTGRES_URL"}
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--sessions", "5", "--journey-every", "2",
         "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False, env=env,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    failed = {page: row for page, row in figures["pages"].items() if row["errors"]}
    assert figures["backend"] == "sqlite" and figures["errors"] == 0, (failed,
                                                                       completed.stderr[-2000:])
    roles = {page.split()[0] for page in figures["pages"]}
    assert roles == {"corporation", "matcher", "care_provider", "analyst", "admin"}
    assert all(row["requests"] > 0 for row in figures["pages"].values())
    # One post or more of each role's journey, each followed to the page it leads to.
    posted = {" ".join(page.split()) for page in figures["pages"]}
    assert {
        "corporation POST /dwellings (create)", "corporation POST /dwellings (submit)",
        "corporation POST /proposals (accept) (confirm)",
        "corporation -> /corporatie/woningen/<id>",
        "care_provider POST /clients (register)", "care_provider -> /clienten/<id>",
        "matcher POST /clients (approve)", "matcher POST /dwellings (propose)",
        "matcher -> /matcher/woningen/<id>", "analyst GET /reports.csv (download)",
    } <= posted, sorted(posted)
