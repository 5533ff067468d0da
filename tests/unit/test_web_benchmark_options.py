"""benchmarks/web.py takes issue 14's options: `--users` (also `--sessions`, its old name),
fifty by default, a schema of its own per run, and `--quick` for the suite's smoke run."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "web.py"


@pytest.fixture(scope="module")
def web() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_web_options", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_web_options"] = module
    spec.loader.exec_module(module)
    return module


def _parsed(web: ModuleType, monkeypatch: pytest.MonkeyPatch, *options: str):
    monkeypatch.setattr(sys, "argv", ["web.py", *options])
    monkeypatch.delenv("MATCHING_TEST_POSTGRES_URL", raising=False)
    return web._arguments()


def test_fifty_users_by_default_and_users_or_sessions_set_them(web, monkeypatch):
    assert _parsed(web, monkeypatch).sessions == 50
    assert _parsed(web, monkeypatch, "--users", "12").sessions == 12
    assert _parsed(web, monkeypatch, "--sessions", "7").sessions == 7


def test_a_quick_run_is_four_users_for_eight_seconds_unless_told(web, monkeypatch):
    quick = _parsed(web, monkeypatch, "--quick")
    assert (quick.sessions, quick.duration) == (4, 8.0)
    assert _parsed(web, monkeypatch, "--quick", "--users", "5").sessions == 5


def test_each_run_names_its_schema_and_the_report_names_the_users(web, monkeypatch):
    arguments = _parsed(web, monkeypatch, "--schema", "bench_web_h1", "--users", "3")
    assert arguments.schema == "bench_web_h1" and arguments.workers == 4
    figures = web.Figures()
    figures.add("analyst       /rapportages", 0.120, ok=True)
    report = web._report(figures, arguments, "sqlite")
    assert report["users"] == 3 and report["pages"]["analyst       /rapportages"]["p95_ms"] == 120.0
