"""The work of one page request alone: SQL statements and milliseconds per page, per role.

    python benchmarks/web_profile.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python benchmarks/web_profile.py                       # a fresh SQLite file
    python benchmarks/web_profile.py --profile /dwellings  # plus cProfile of matching pages

Builds the demo database as benchmarks/web.py does (own schema `bench_web_profile` on
PostgreSQL, dropped afterwards), signs the five demo users in through the Flask test client
and opens each role's main pages (web.py's choice: the menu plus the first detail page) one
after the other, `--repeat` times each. Prints per page the SQL statements one request runs
and the median milliseconds of a request in this one process (no server, no concurrency), wall
clock and this process's CPU (the latter moves less with the machine's load; PostgreSQL's own
work is not in it): the per-request work that 50 concurrent sessions multiply. `--json` adds
one JSON line.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyotp
from sqlalchemy import event, text

from matching.db import get_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web  # noqa: E402  benchmarks/web.py

SCHEMA = "bench_web_profile"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("MATCHING_TEST_POSTGRES_URL"))
    parser.add_argument("--schema", default=SCHEMA)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--profile", action="append", default=[],
                        help="cProfile the pages whose path contains this (repeatable)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the PostgreSQL schema afterwards (for --reuse)")
    parser.add_argument("--reuse", action="store_true",
                        help="use the schema a --keep run left instead of building it again")
    parser.add_argument("--json", action="store_true")
    return parser.parse_args()


class Counter:
    """Counts the statements run, and with --profile times each one."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []
        self.started = 0.0

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.count += 1
        self.started = time.perf_counter()
        self.statements.append(" ".join(statement.split())[:160])

    def done(self, *args: Any) -> None:
        took = (time.perf_counter() - self.started) * 1000
        self.statements[-1] = f"{took:6.1f} ms  {self.statements[-1]}"


def _sign_in(client: Any, role: str) -> None:
    page = client.get("/aanmelden").get_data(as_text=True)
    token = web._CSRF.search(page)
    assert token, "no CSRF token on the sign-in page"
    answer = client.post("/aanmelden", data={
        "csrf_token": token.group(1), "email": web.DEMO_LOGINS[role],
        "password": web.DEMO_PASSWORD})
    assert answer.status_code == 302, answer.status_code
    if role == "admin":
        page = client.get("/profiel/tweestapsverificatie").get_data(as_text=True)
        secret, token = web._SECRET.search(page), web._CSRF.search(page)
        assert secret and token
        code = pyotp.TOTP(secret.group(1).replace(" ", "")).now()
        answer = client.post("/profiel/tweestapsverificatie", data={
            "csrf_token": token.group(1), "code": code})
        assert answer.status_code == 200, answer.status_code


def _pages(client: Any) -> list[str]:
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    menu = web._MENU.search(home)
    pages = list(dict.fromkeys(web._HREF.findall(menu.group(0)))) if menu else []
    for path in list(pages):
        detail = web._DETAIL.search(client.get(path).get_data(as_text=True))
        if detail:
            pages.append(detail.group(1))
            break
    return pages or ["/"]


def main() -> None:
    arguments = _arguments()
    web.SCHEMA = arguments.schema
    with tempfile.TemporaryDirectory(prefix="matching-web-profile-") as folder:
        if arguments.reuse and arguments.database_url:
            env = dict(os.environ, MATCHING_INSTANCE_DIR=folder, MATCHING_SECRET_KEY="profile")
            separator = "&" if "?" in arguments.database_url else "?"
            env["MATCHING_DATABASE_URL"] = (f"{arguments.database_url}{separator}"
                                            f"options=-csearch_path%3D{web.SCHEMA}")
            # The administrator sets a second factor up again (its key was not kept).
            with get_engine(env["MATCHING_DATABASE_URL"]).begin() as connection:
                connection.execute(text("DELETE FROM second_factor"))
        else:
            settings = argparse.Namespace(database_url=arguments.database_url, scale=False)
            env = web._prepare(settings, Path(folder))
        os.environ.update(env)
        from matching.web import create_app

        app = create_app()
        engine = get_engine(env["MATCHING_DATABASE_URL"])
        counter = Counter()
        event.listen(engine, "before_cursor_execute", counter)
        event.listen(engine, "after_cursor_execute", counter.done)
        rows: dict[str, dict[str, Any]] = {}
        try:
            for role in web.DEMO_LOGINS:
                client = app.test_client()
                _sign_in(client, role)
                for path in _pages(client):
                    client.get(path)  # warm: templates compiled, caches filled
                    times, cpu, counts = [], [], []
                    for _ in range(arguments.repeat):
                        counter.count, counter.statements = 0, []
                        started, used = time.perf_counter(), time.process_time()
                        answer = client.get(path)
                        times.append((time.perf_counter() - started) * 1000)
                        cpu.append((time.process_time() - used) * 1000)
                        counts.append(counter.count)
                        assert answer.status_code == 200, (path, answer.status_code)
                    label = web._label(role, path)
                    rows[label] = {"statements": max(counts),
                                   "ms": round(statistics.median(times), 1),
                                   "cpu_ms": round(statistics.median(cpu), 1)}
                    if any(part in path for part in arguments.profile):
                        _profile(client, path, counter)
        finally:
            engine.dispose()
            if arguments.database_url and not arguments.keep:
                with get_engine(arguments.database_url).begin() as connection:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{web.SCHEMA}" CASCADE'))
    print(f"{'page':55s} {'SQL':>5s} {'ms':>7s} {'cpu ms':>7s}")
    for label, row in rows.items():
        print(f"{label:55s} {row['statements']:5d} {row['ms']:7.1f} {row['cpu_ms']:7.1f}")
    if arguments.json:
        print(json.dumps({"backend": "postgresql" if arguments.database_url else "sqlite",
                          "pages": rows}))


def _profile(client: Any, path: str, counter: Counter) -> None:
    counter.statements = []
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(path)
    profiler.disable()
    print(f"--- {path}: statements", file=sys.stderr)
    for statement in counter.statements:
        print(f"    {statement}", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
