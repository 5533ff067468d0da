"""Smoke test of benchmarks/simulate_year.py: a quick year through the services, with and
without the fairness factor, and once more to see the same seed give the same figures."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from matching.db import get_engine
from matching.models import Client, Contingent, Dwelling, Lease, Organisation, Proposal

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "simulate_year.py"

pytestmark = pytest.mark.slow


def _run(*options: str) -> tuple[list[str], dict[str, Any]]:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", "--seed", "7", *options],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    lines = completed.stdout.strip().splitlines()
    return lines, json.loads(lines[-1])


Run = tuple[list[str], dict[str, Any]]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('simulation') / 'year.sqlite'}"


@pytest.fixture(scope="module")
def runs(database: str) -> tuple[Run, Run]:
    """The year with and without the fairness factor (its first run kept in `database`), and
    the same year again with the factor only."""
    return _run("--database-url", database), _run("--fairness", "on")


def test_prints_readable_lines_and_the_figures_as_json(runs) -> None:  # type: ignore[no-untyped-def]
    (lines, result), _ = runs
    text = "\n".join(lines[:-1])
    for phrase in ("Lets per care provider", "median", "p90", "three months",
                   "Rounds per dwelling", "Vacancy", "Unlet at year end",
                   "without the fairness factor", "with the fairness factor largest"):
        assert phrase in text
    assert {
        "dwellings", "lets", "providers", "wait_days", "housed_within_three_months_share",
        "rounds_per_dwelling", "vacancy_days", "unlet_at_year_end", "no_eligible_client",
        "seed", "year", "settings", "without_fairness", "provider_share_spread",
    } <= set(result)
    assert result["settings"]["quick"] is True
    assert (result["seed"], result["year"]) == (7, 2019)


def test_the_figures_are_what_the_database_recorded(runs, database: str) -> None:  # type: ignore[no-untyped-def]
    """The printed figures against the rows the run left behind, counted here."""
    (_, result), _ = runs
    with Session(get_engine(database)) as session:
        names = {o.id: o.name for o in session.exec(select(Organisation))}
        submitted = session.exec(select(func.count()).select_from(Dwelling)
                                 .where(col(Dwelling.submitted_at).is_not(None))).one()
        leases = list(session.exec(select(Lease)))
        contingents = {names[c.care_provider_id]: c.contingent
                       for c in session.exec(select(Contingent).where(Contingent.year == 2019))}
        housed = session.exec(select(func.count()).select_from(Client)
                              .where(Client.state == "housed")).one()
        rounds = Counter(Counter(p.dwelling_id for p in session.exec(select(Proposal))).values())
    get_engine(database).dispose()
    assert result["dwellings"] == submitted == 60
    assert 0 < result["lets"] == len(leases) <= 60
    assert result["clients"]["housed"] == housed == len(leases)
    lets = Counter(names[lease.care_provider_id] for lease in leases
                   if lease.care_provider_id is not None)
    printed = {p["provider"]: (p["contingent"], p["lets"]) for p in result["providers"]}
    assert printed == {name: (contingents.get(name, 0), lets.get(name, 0))
                       for name in set(contingents) | set(lets)
                       if contingents.get(name, 0) or lets.get(name, 0)}
    distribution = result["rounds_per_dwelling"]["distribution"]
    assert distribution == {"1": rounds[1], "2": rounds[2],
                            "3+": sum(n for k, n in rounds.items() if k >= 3)}
    assert result["rounds_per_dwelling"]["without_round"] == 60 - sum(rounds.values())
    # A provider above its contingent share shows a positive difference, and the reverse.
    for p in result["providers"]:
        above = p["lets"] * sum(contingents.values()) > p["contingent"] * len(leases)
        assert (p["difference_points"] > 0) == above or p["difference_points"] == 0, p


def test_the_fairness_factor_shows_in_the_providers_shares(runs) -> None:  # type: ignore[no-untyped-def]
    """Referrals are drawn by provider weight, so shares near the contingents could come from
    the referrals alone: the same year without the factor must come out differently, and
    further from the contingents."""
    (_, result), _ = runs
    with_factor = {p["provider"]: p["lets"] for p in result["providers"]}
    without = {p["provider"]: p["lets"] for p in result["without_fairness"]["providers"]}
    assert with_factor != without
    spread = result["provider_share_spread"]
    assert spread["with_fairness"]["mean_points"] < spread["without_fairness"]["mean_points"]


def test_figures_are_sane(runs) -> None:  # type: ignore[no-untyped-def]
    (_, result), _ = runs
    dwellings, lets = result["dwellings"], result["lets"]
    for p in result["providers"]:
        assert set(p) == {"provider", "contingent", "contingent_share", "lets", "let_share",
                          "difference_points"}
        assert 0.0 <= p["contingent_share"] <= 1.0
        assert 0.0 <= p["let_share"] <= 1.0
    wait = result["wait_days"]
    assert wait["housed"] == lets == result["clients"]["housed"]
    assert 0 <= wait["median"] <= wait["p90"]
    vacancy = result["vacancy_days"]
    assert vacancy["let"] == lets
    assert 0 <= vacancy["median"] <= vacancy["p90"] <= 366

    assert result["rounds_per_dwelling"]["mean"] >= 1.0
    assert result["no_eligible_client"]["dwellings"] <= dwellings


def test_the_same_seed_prints_the_same_json(runs) -> None:  # type: ignore[no-untyped-def]
    (_, first), (_, second) = runs
    assert "without_fairness" not in second
    comparison = ("without_fairness", "provider_share_spread")
    assert {k: v for k, v in first.items() if k not in comparison} == second
