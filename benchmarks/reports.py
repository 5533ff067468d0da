"""Benchmark of the monitoring reports over five years of history (product.md section 8).

    python benchmarks/reports.py --json                        # SQLite file in a temp dir
    python benchmarks/reports.py --json \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test   # schema bench_reports
    python benchmarks/reports.py --quick --json                # smoke: scale 0.02

Builds five years of history at ten times Utrecht's volume (benchmarks/report_history.py:
about 25,000 dwellings, 60,000 clients, their rounds, candidates, leases and every event),
closes the quarters of the previous year and this one up to the one before the last ended
quarter, then times (each in a fresh session, the median of `--repeat` runs):
- `close_quarter_s`: closing the quarter before the last ended one (a snapshot per reader
  scope: all, the municipality's suppressed one, each corporation);
- `quarter_report_s`: the report of the last ended quarter, which is not closed, as the
  agency (matcher): rebuilt from the events as of its last day, with the corrections of the
  closed quarters before it that a late change reached since their closing (none: the
  history was written before) recomputed; `quarter_report_analyst_s` as the municipality;
- `quarter_report_late_change_s`: the same after a lease's start was moved back into the
  closed quarter before the timed one (that quarter and the next are recomputed), and
  `quarter_report_recompute_all_s` with the ledger of late changes off (every closed quarter
  recomputed, the corrections checked to be the same);
- `dashboard_s`: the demand-supply dashboard of the running quarter, `GET /dashboard` as the
  matcher through the Flask test client (charts included); `dashboard_data_s` and
  `dashboard_analyst_s` its figures alone (matching.reports.dashboard) as the matcher and as
  the municipality.
Target: each <= 1 s. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from matching.db import get_engine
from matching.migrations import upgrade
from matching.models import Lease, User
from matching.quarters import Quarter, parse_quarter, quarter_of
from matching.reports import build, quarter_report
from matching.reports.dashboard import dashboard
from matching.services.closing import close_quarter
from matching.services.reference import load_reference
from matching.services.users import create_user

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_databases import drop_schema, prepare_database  # noqa: E402
from report_history import START, TODAY, Volumes, build_history  # noqa: E402

SCHEMA = "bench_reports"
PASSWORD = "benchmark password 1"
TARGET_S = 1.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, help="volume as a share of the full run "
                        "(1 = 25,000 dwellings and 60,000 clients; default 1, --quick 0.02)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir; "
                        f"a PostgreSQL URL gets its own schema '{SCHEMA}', dropped first")
    parser.add_argument("--repeat", type=int, help="timed runs per figure (default 3, --quick 1)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true",
                        help="end with one line holding every figure as a JSON object")
    parser.add_argument("--quick", action="store_true", help="smoke run: scale 0.02, 1 run")
    parser.add_argument("--keep", action="store_true",
                        help=f"PostgreSQL: keep the schema '{SCHEMA}' afterwards (for EXPLAIN)")
    parser.add_argument("--dump", type=Path,
                        help="write the reports measured as JSON files into this folder "
                        "(to compare the output before and after a change)")
    args = parser.parse_args(argv)
    args.scale = args.scale or (0.02 if args.quick else 1.0)
    args.repeat = args.repeat or (1 if args.quick else 3)
    if args.scale <= 0 or args.repeat < 1:
        parser.error("--scale must be positive and --repeat at least 1")
    return args


# --- the database ------------------------------------------------------------------------


def at_noon(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=11)


CPU: dict[str, float] = {}  # per figure: the median CPU time of this process


def timed(engine: Any, repeat: int, work: Callable[[Session], Any], name: str = ""
          ) -> tuple[float, Any]:
    """The median wall time of `repeat` runs of `work`, each in a fresh session; and its
    last result. The median CPU time of this process goes into CPU[name] (on SQLite the
    database's work too, on PostgreSQL not the server's)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        with Session(engine) as session:
            start, started = time.perf_counter(), time.process_time()
            result = work(session)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - started)
    if name:
        CPU[name] = statistics.median(cpu)
    return statistics.median(times), result


def dashboard_page(url: str, user: User) -> Callable[[Session], Any]:
    """A GET of the running quarter's /dashboard through the Flask test client, signed in as
    `user` (the page's own day is today's, so its figures are as of the real date)."""
    from matching.config import Settings
    from matching.web import create_app

    app = create_app(Settings(database_url=url, secret_key="benchmark", env="development"))
    client = app.test_client()
    page = client.get("/aanmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    signed = client.post("/aanmelden", data={"email": user.email, "password": PASSWORD,
                                             "csrf_token": token.group(1)})
    assert signed.status_code == 302, signed.status_code

    def get(_: Session) -> int:
        response = client.get(f"/dashboard?kwartaal={quarter_of(TODAY)}")
        assert response.status_code == 200, response.status_code
        return len(response.get_data())

    return get


def move_a_lease_start_back(engine: Any, into: Quarter) -> date:
    """Move the start of the first institution lease flipped after `into` back to its
    middle day, as a correction entered late would, and return that day: the quarter's
    institution flips move."""
    middle = into.first_day + (into.last_day - into.first_day) / 2
    with Session(engine) as session:
        lease = session.exec(select(Lease).where(
            col(Lease.is_institution).is_(True), Lease.start_on > into.last_day,
        ).order_by(col(Lease.id))).first()
        assert lease is not None, "no lease to move"
        lease.start_on = middle
        session.commit()
    return middle


@contextmanager
def every_closed_quarter_recomputed() -> Iterator[None]:
    """The ledger of late changes switched off: every closed quarter counts as reached."""
    original = build.reached_since_closing
    build.reached_since_closing = lambda *args: True
    try:
        yield
    finally:
        build.reached_since_closing = original


def make_users(session: Session) -> dict[str, User]:
    made = {}
    for key, organisation, role in (("matcher", "Het Vierde Huis", "matcher"),
                                    ("analyst", "Gemeente Utrecht", "analyst"),
                                    ("corporation", "Mitros", "corporation")):
        made[key] = create_user(session, email=f"{key}@benchmark.example.org",
                                organisation_name=organisation, role=role, password=PASSWORD)
    return made


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    url = prepare_database(args.database_url, workdir, SCHEMA)
    try:
        return measure(args, url)
    finally:
        get_engine(url).dispose()
        if args.database_url and not url.startswith("sqlite"):
            if args.keep:
                print(f"kept: {url}")
            else:
                drop_schema(args.database_url, SCHEMA)


def measure(args: argparse.Namespace, url: str) -> dict[str, Any]:
    say = print
    engine = get_engine(url)
    backend = engine.dialect.name
    load_before = round(os.getloadavg()[0], 2)
    say(f"backend: {backend}; load_avg_1m {load_before} on {os.cpu_count()} CPUs")

    start = time.perf_counter()
    upgrade(url)
    with Session(engine) as session:
        load_reference(session)
        users = make_users(session)
        for user in users.values():
            session.refresh(user)
            session.expunge(user)
    volumes = Volumes.at_scale(args.scale)
    built = build_history(engine, volumes, args.seed)
    build_s = time.perf_counter() - start
    say(f"build_s: {build_s:.1f} (migrations, reference data, simulation, bulk insert)")
    say("rows: " + ", ".join(f"{name} {count:,}" for name, count in built.rows.items()))

    last_ended = parse_quarter(quarter_of(TODAY)).previous
    timed_close = last_ended.previous
    closed = []
    quarter = Quarter(timed_close.year - 1, 1)
    setup = time.perf_counter()
    while quarter != timed_close:
        with Session(engine) as session:
            close_quarter(session, quarter=str(quarter), actor=users["matcher"],
                          now=at_noon(TODAY))
        closed.append(str(quarter))
        quarter = quarter.following
    say(f"closed beforehand: {', '.join(closed)} in {time.perf_counter() - setup:.1f} s")

    close_quarter_s, _ = timed(engine, 1, lambda s: close_quarter(
        s, quarter=str(timed_close), actor=users["matcher"], now=at_noon(TODAY)),
        "close_quarter_s")
    closed.append(str(timed_close))
    say(f"close_quarter_s: {close_quarter_s:.3f} ({timed_close}, a snapshot per reader scope; "
        f"CPU {CPU['close_quarter_s']:.3f})")

    figures: dict[str, Any] = {}
    reports: dict[str, Any] = {}
    for key, user in (("quarter_report_s", users["matcher"]),
                      ("quarter_report_analyst_s", users["analyst"]),
                      ("quarter_report_corporation_s", users["corporation"])):
        figures[key], reports[key] = timed(engine, args.repeat, lambda s, u=user: quarter_report(
            s, quarter=str(last_ended), actor=u, today=TODAY), key)
        say(f"{key}: {figures[key]:.3f} ({last_ended}, open, "
            f"{len(reports[key]['corrections'])} corrections over {len(closed)} closed "
            f"quarters; CPU {CPU[key]:.3f})")
    report = reports["quarter_report_s"]
    # A lease's start moved back into a closed quarter: that quarter and the ones after it
    # are recomputed for the corrections (matching/late_changes.py); and, to show what the
    # ledger saves, the same report with every closed quarter recomputed.
    moved_into = move_a_lease_start_back(engine, parse_quarter(closed[-2]))
    figures["quarter_report_late_change_s"], late = timed(
        engine, args.repeat, lambda s: quarter_report(
            s, quarter=str(last_ended), actor=users["matcher"], today=TODAY),
        "quarter_report_late_change_s")
    say(f"quarter_report_late_change_s: {figures['quarter_report_late_change_s']:.3f} (a lease "
        f"start moved back to {moved_into}: {len(late['corrections'])} corrections; CPU "
        f"{CPU['quarter_report_late_change_s']:.3f})")
    with every_closed_quarter_recomputed():
        figures["quarter_report_recompute_all_s"], every = timed(
            engine, args.repeat, lambda s: quarter_report(
                s, quarter=str(last_ended), actor=users["matcher"], today=TODAY),
            "quarter_report_recompute_all_s")
    assert every["corrections"] == late["corrections"], "the ledger missed a correction"
    say(f"quarter_report_recompute_all_s: {figures['quarter_report_recompute_all_s']:.3f} "
        f"(the same with the ledger off: all {len(closed)} closed quarters recomputed)")
    say(f"  {sum(row['waiting'] or 0 for row in report['waiting']):,} waiting on "
        f"{report['as_of']}, {report['matching']['rounds']:,} rounds, "
        f"{report['leases']['flip_active']:,} open flip leases")

    running = quarter_of(TODAY)
    figures["dashboard_s"], size = timed(engine, args.repeat,
                                         dashboard_page(url, users["matcher"]), "dashboard_s")
    say(f"dashboard_s: {figures['dashboard_s']:.3f} (GET /dashboard?kwartaal={running} as the "
        f"matcher: {size:,} bytes; CPU {CPU['dashboard_s']:.3f})")
    for key, user in (("dashboard_data_s", users["matcher"]),
                      ("dashboard_analyst_s", users["analyst"])):
        figures[key], reports[key] = timed(engine, args.repeat, lambda s, u=user: dashboard(
            s, quarter=running, actor=u, today=TODAY), key)
        say(f"{key}: {figures[key]:.3f} (its figures, matching.reports.dashboard, as "
            f"{user.role}; CPU {CPU[key]:.3f})")

    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        with Session(engine) as session:
            from matching.models import ClosedQuarter

            row = session.get(ClosedQuarter, str(timed_close))
            assert row is not None
            reports["close_quarter"] = row.snapshots
        for name, value in reports.items():
            (args.dump / f"{backend}-{name}.json").write_text(
                json.dumps(_without_moments(value), default=str, indent=1, sort_keys=True))
        say(f"reports written to {args.dump}")

    load_after = round(os.getloadavg()[0], 2)
    result = {
        "backend": backend, "scale": args.scale, "repeat": args.repeat,
        "rows": built.rows, "dwellings": built.rows["dwelling"], "clients": built.rows["client"],
        "events": built.events, "build_s": round(build_s, 2),
        "history": f"{START.isoformat()}..{(TODAY - timedelta(days=1)).isoformat()}",
        "quarter_report": str(last_ended), "closed_quarters": closed,
        "close_quarter": str(timed_close), "close_quarter_s": round(close_quarter_s, 3),
        "dashboard": f"GET /dashboard?kwartaal={running}",
        "load_avg_1m": [load_before, load_after],
        **{key: round(value, 3) for key, value in figures.items()},
        "cpu_s": {key: round(value, 3) for key, value in CPU.items()},
    }
    result["within_target"] = all(result[k] <= TARGET_S for k in (
        "quarter_report_s", "dashboard_s", "close_quarter_s"))
    return result


def _without_moments(value: Any) -> Any:
    """The report without the moments that differ per run (generated_at, closed_at)."""
    if isinstance(value, dict):
        return {k: _without_moments(v) for k, v in value.items()
                if k not in ("generated_at", "closed_at")}
    if isinstance(value, list):
        return [_without_moments(v) for v in value]
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="matching-bench-reports-") as workdir:
        figures = run(args, Path(workdir))
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
