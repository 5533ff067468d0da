"""Smoke test of benchmarks/simulate_year.py: a quick year through the services, twice."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "simulate_year.py"

pytestmark = pytest.mark.slow


def _run() -> tuple[list[str], dict[str, Any]]:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", "--seed", "7"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    lines = completed.stdout.strip().splitlines()
    return lines, json.loads(lines[-1])


@pytest.fixture(scope="module")
def runs() -> tuple[tuple[list[str], dict[str, Any]], tuple[list[str], dict[str, Any]]]:
    return _run(), _run()


def test_prints_readable_lines_and_the_figures_as_json(runs) -> None:  # type: ignore[no-untyped-def]
    (lines, result), _ = runs
    text = "\n".join(lines[:-1])
    for phrase in ("Lets per care provider", "median", "p90", "three months",
                   "Rounds per dwelling", "Vacancy", "Unlet at year end"):
        assert phrase in text
    assert {
        "dwellings", "lets", "providers", "wait_days", "housed_within_three_months_share",
        "rounds_per_dwelling", "vacancy_days", "unlet_at_year_end", "no_eligible_client",
        "seed", "year", "settings",
    } <= set(result)
    assert result["settings"]["quick"] is True
    assert (result["seed"], result["year"]) == (7, 2019)


def test_figures_are_sane(runs) -> None:  # type: ignore[no-untyped-def]
    (_, result), _ = runs
    dwellings, lets = result["dwellings"], result["lets"]
    assert dwellings == 60
    assert 0 < lets <= dwellings
    assert result["unlet_at_year_end"] == dwellings - lets
    assert sum(result["unlet_by_state"].values()) == result["unlet_at_year_end"]
    assert 0.0 <= result["housed_within_three_months_share"] <= 1.0

    providers = result["providers"]
    assert providers
    assert sum(p["lets"] for p in providers) == lets
    for p in providers:
        assert set(p) == {"provider", "contingent", "contingent_share", "lets", "let_share",
                          "difference_points"}
        assert 0.0 <= p["contingent_share"] <= 1.0
        assert 0.0 <= p["let_share"] <= 1.0
        assert p["difference_points"] == pytest.approx(
            100 * (p["let_share"] - p["contingent_share"]), abs=0.051)
    assert sum(p["contingent_share"] for p in providers) == pytest.approx(1.0, abs=0.01)
    assert sum(p["let_share"] for p in providers) == pytest.approx(1.0, abs=0.01)

    wait = result["wait_days"]
    assert wait["housed"] == lets == result["clients"]["housed"]
    assert 0 <= wait["median"] <= wait["p90"]
    vacancy = result["vacancy_days"]
    assert vacancy["let"] == lets
    assert 0 <= vacancy["median"] <= vacancy["p90"] <= 366

    rounds = result["rounds_per_dwelling"]
    assert sum(rounds["distribution"].values()) == rounds["dwellings"] <= dwellings
    assert rounds["dwellings"] + rounds["without_round"] == dwellings
    assert rounds["mean"] >= 1.0
    assert result["no_eligible_client"]["dwellings"] <= dwellings


def test_the_same_seed_prints_the_same_json(runs) -> None:  # type: ignore[no-untyped-def]
    (first_lines, first), (second_lines, second) = runs
    assert first_lines[-1] == second_lines[-1]
    assert first == second
