"""Load benchmark of the web pages: 50 people at work at once, for a minute (issue 14).

    python benchmarks/web.py                      # SQLite, 50 users, 60 s
    python benchmarks/web.py --quick --json       # 4 users, 8 s (the suite's smoke run)
    python benchmarks/web.py --scale              # plus the engine benchmark's 50,000 clients
    python benchmarks/web.py --users 50 --json \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
                                                  # the same on PostgreSQL (own schema)

Builds a database with the demo data (`matching db upgrade`, `seed reference`, `seed demo`),
starts `matching serve --workers 4` (gunicorn) on a free port, signs in one demo user per role (the
administrator sets up the second factor on the way) and drives the main pages of each role
(the role's menu, plus one detail page linked from it) from concurrent sessions, each with
the cookies of its role's sign-in. Each session is a person: it opens a page, reads it for a moment
(`--think`, default 0.5 s on average) and opens the next. Prints per page the number of
requests, median, p95 and maximum latency in milliseconds, and the errors (any status of 400
or more, or a failed connection; a sign-in that is refused or fails counts as an error, and so
does each person of its role who then cannot start). The sign-in's form post and the page it
redirects to are timed too. After each round of its pages (or every `--journey-every`
pages) a person posts the forms of its role's journey (benchmarks/web_journeys.py: the
corporation creates and submits a dwelling and accepts a candidate, the care provider
registers a client, the matcher approves a referral and proposes the top suggestions, the
analyst downloads the quarter's report), each post and the page it redirects to timed under
its own name. `--scale` first adds the 50,000 waiting clients of benchmarks/engine.py's
builder. Target: every main page and post p95 <= 150 ms with 0 errors (the sign-in's post
is left out: its password hash is slow on purpose). On PostgreSQL the database lives in
its own schema (`--schema`, default `bench_web`), dropped again at the end. With `--json` the
last line printed is the figures as JSON, with p95 per page.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import requests
from sqlalchemy import text

from matching.db import get_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_journeys import JOURNEYS, Claims, Person  # noqa: E402

DEMO_PASSWORD = "demo-wachtwoord-2025"
DEMO_LOGINS = {
    "corporation": "corporatie@demo.example",
    "matcher": "matcher@demo.example",
    "care_provider": "zorg@demo.example",
    "analyst": "analist@demo.example",
    "admin": "beheer@demo.example",
}
SCHEMA = "bench_web"
TARGET_P95_MS = 150.0
_MENU = re.compile(r'<nav class="[^"]*\bsite-nav\b[^"]*".*?</nav>', re.S)
_HREF = re.compile(r'href="(/[^"#?]*)"')
_DETAIL = re.compile(r'href="(/[a-z/-]+/\d+)"')
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_SECRET = re.compile(r'data-testid="secret">([A-Z2-7 ]+)<')


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", "--sessions", dest="sessions", type=int, default=50,
                        help="people at work at once, each in a session of its role")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--think", type=float, default=0.5,
                        help="mean seconds a person looks at a page before the next")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--database-url", default=os.environ.get("MATCHING_TEST_POSTGRES_URL"),
                        help="PostgreSQL base URL (own schema); default a fresh SQLite file")
    parser.add_argument("--schema", default=SCHEMA,
                        help="the PostgreSQL schema to build and drop (one per concurrent run)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    parser.add_argument("--quick", action="store_true",
                        help="4 sessions for 8 seconds (unless given)")
    parser.add_argument("--scale", action="store_true",
                        help="also load the engine benchmark's 50,000 waiting clients")
    parser.add_argument("--journey-every", type=int, default=0,
                        help="a person runs its role's form posts after this many pages "
                             "(default: once per round of its pages)")
    arguments = parser.parse_args()
    if arguments.quick:  # explicit options still win
        defaults = {"sessions": 50, "duration": 60.0}
        for name, quick in (("sessions", 4), ("duration", 8.0)):
            if getattr(arguments, name) == defaults[name]:
                setattr(arguments, name, quick)
    return arguments


def _postgres_schema_url(base_url: str, schema: str = SCHEMA) -> str:
    with get_engine(base_url).begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}"


def _drop_schema(base_url: str, schema: str) -> None:
    with get_engine(base_url).begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _matching(*args: str, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "matching", *args]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Figures:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies[page].append(seconds * 1000)
            if not ok:
                self.errors[page] += 1


def _sign_in(base: str, role: str, figures: Figures,
             password: str = DEMO_PASSWORD) -> requests.Session | None:
    """Sign the role's demo user in, timing the form post and the page it leads to; a
    refused or failed sign-in is an error in the figures (and the role's people stay home)."""
    browser = requests.Session()
    label = _label(role, "POST /aanmelden")
    started = time.perf_counter()
    try:
        token = _CSRF.search(browser.get(f"{base}/aanmelden", timeout=30).text)
        if token is None:
            raise ValueError("no CSRF token on the sign-in page")
        started = time.perf_counter()
        answer = browser.post(f"{base}/aanmelden", timeout=30, allow_redirects=False, data={
            "csrf_token": token.group(1), "email": DEMO_LOGINS[role], "password": password,
        })
        target = answer.headers.get("Location", "")
        if answer.status_code != 302 or "/aanmelden" in target:
            raise ValueError(f"answered {answer.status_code}")
    except (requests.RequestException, ValueError) as error:
        figures.add(label, time.perf_counter() - started, ok=False)
        print(f"{role} could not sign in: {error}", file=sys.stderr)
        return None
    figures.add(label, time.perf_counter() - started, ok=True)
    _timed_get(base, role, browser, target, figures)
    if role == "admin":
        _set_up_second_factor(base, browser)
    return browser


def _timed_get(base: str, role: str, browser: requests.Session, target: str,
               figures: Figures) -> None:
    """Open the page a form post redirected to, as the browser would, and time it."""
    path = target.removeprefix(base) or "/"
    started = time.perf_counter()
    try:
        ok = browser.get(f"{base}{path}", timeout=30, allow_redirects=False).status_code < 400
    except requests.RequestException:
        ok = False
    figures.add(_label(role, f"-> {path.split('?')[0]}"), time.perf_counter() - started, ok)


def _set_up_second_factor(base: str, browser: requests.Session) -> None:
    """An administrator sets up an authenticator app before anything else: do it as a person
    would, typing the key into the app (here pyotp) and its first code into the page."""
    page = browser.get(f"{base}/profiel/tweestapsverificatie", timeout=30).text
    secret, token = _SECRET.search(page), _CSRF.search(page)
    assert secret and token, "no second factor to set up for the demo administrator"
    code = pyotp.TOTP(secret.group(1).replace(" ", "")).now()
    answer = browser.post(f"{base}/profiel/tweestapsverificatie", timeout=30, data={
        "csrf_token": token.group(1), "code": code})
    assert answer.status_code == 200, f"the second factor was refused: {answer.status_code}"


def _sign_in_everyone(base: str, roles: list[str], figures: Figures
                      ) -> dict[str, requests.Session]:
    """The roles whose demo user signed in, with their sessions (failures are in figures)."""
    signed_in = {}
    for role in roles:
        browser = _sign_in(base, role, figures)
        if browser is not None:
            signed_in[role] = browser
    return signed_in


def _browser_like(signed_in: requests.Session) -> requests.Session:
    """Another browser with the cookies of a signed-in one: a person at work in the same
    session (an administrator's code is accepted once, so it cannot sign in again at once)."""
    browser = requests.Session()
    browser.cookies.update(signed_in.cookies)
    return browser


def _main_pages(base: str, browser: requests.Session) -> list[str]:
    """The role's menu pages, and the first detail page any of them links to."""
    home = browser.get(f"{base}/", timeout=30).text
    menu = _MENU.search(home)
    pages = list(dict.fromkeys(_HREF.findall(menu.group(0)))) if menu else []
    for path in list(pages):
        detail = _DETAIL.search(browser.get(f"{base}{path}", timeout=30).text)
        if detail:
            pages.append(detail.group(1))
            break
    return pages or ["/"]


def _label(role: str, path: str) -> str:
    generic = re.sub(r"/\d+", "/<id>", path)
    return f"{role:13s} {generic}"


def _person(base: str, role: str, signed_in: requests.Session, pages: list[str],
            figures: Figures, until: float, think: float, seed: int,
            claims: Claims | None = None, journey_every: int = 0) -> None:
    rng = random.Random(seed)
    browser = _browser_like(signed_in)
    index = rng.randrange(len(pages))
    journey = JOURNEYS.get(role) if claims is not None else None
    person = Person(base, role, browser, figures.add, _label, claims or Claims(), seed)
    every = journey_every or len(pages)
    opened = 0
    while time.monotonic() < until:
        if journey is not None and opened and opened % every == 0:
            journey(person)  # the role's form posts, timed post by post
            person.done += 1
        opened += 1
        path = pages[index % len(pages)]
        index += 1
        started = time.perf_counter()
        try:
            answer = browser.get(f"{base}{path}", timeout=30, allow_redirects=False)
            ok = answer.status_code < 400 and answer.status_code != 302
        except requests.RequestException:
            ok = False
        figures.add(_label(role, path), time.perf_counter() - started, ok)
        time.sleep(rng.expovariate(1 / think) if think > 0 else 0)


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("matching serve stopped before answering")
        try:
            if requests.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit("matching serve did not answer within a minute")


def _prepare(arguments: argparse.Namespace, folder: Path) -> dict[str, str]:
    env = dict(os.environ, MATCHING_INSTANCE_DIR=str(folder), MATCHING_SECRET_KEY="benchmark")
    if arguments.database_url:
        env["MATCHING_DATABASE_URL"] = _postgres_schema_url(
            arguments.database_url, getattr(arguments, "schema", SCHEMA))
    else:
        env["MATCHING_DATABASE_URL"] = f"sqlite:///{folder / 'web.sqlite'}"
    started = time.perf_counter()
    _matching("db", "upgrade", env=env)
    _matching("seed", "reference", env=env)
    _matching("seed", "demo", env=env)
    print(f"demo data loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if arguments.scale:
        started = time.perf_counter()
        count = _load_scale(env["MATCHING_DATABASE_URL"], folder)
        print(f"{count} waiting clients of the engine benchmark loaded in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return env


def _load_scale(url: str, folder: Path) -> int:
    """Add the engine benchmark's waiting clients (50,000) to the demo: its own builder fills
    a scratch SQLite file (the demo's ids are taken), and its waiting clients are copied
    with new ids and their care provider looked up by name."""
    import engine as engine_benchmark  # benchmarks/engine.py
    from sqlmodel import Session, SQLModel, select

    from matching.migrations import upgrade
    from matching.models import Organisation
    from matching.services.reference import load_reference

    scratch = f"sqlite:///{folder / 'scale-scratch.sqlite'}"
    upgrade(scratch)
    with Session(get_engine(scratch)) as session:
        load_reference(session)
    _, settings = engine_benchmark.parse_args([])
    engine_benchmark.build_world(get_engine(scratch), settings)
    client = SQLModel.metadata.tables["client"]
    target = get_engine(url)
    with Session(get_engine(scratch)) as session:
        names = {o.id: o.name for o in session.exec(select(Organisation))}
    with Session(target) as session:
        ids = {o.name: o.id for o in session.exec(select(Organisation))}
    with target.begin() as connection:
        offset = connection.execute(text("SELECT coalesce(max(id), 0) FROM client")).scalar_one()
    with get_engine(scratch).connect() as source, target.begin() as connection:
        rows = source.execute(client.select().where(client.c.state == "waiting")).mappings()
        count = engine_benchmark._insert(connection, "client", (
            {**row, "id": row["id"] + offset,
             "care_provider_id": ids[names[row["care_provider_id"]]]} for row in rows))
        if connection.dialect.name == "postgresql":
            connection.execute(text(
                "SELECT setval(pg_get_serial_sequence('client', 'id'), (SELECT max(id) "
                "FROM client))"))
            connection.execute(text("ANALYZE client"))
    get_engine(scratch).dispose()
    target.dispose()
    return count


def latency_figures(values: list[float], errors: int) -> dict[str, float | int]:
    """Requests, p50, p95 (nearest rank) and maximum in ms, and errors of one page or call."""
    ordered = sorted(values)
    return {
        "requests": len(values),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[math.ceil(0.95 * len(ordered)) - 1], 1),
        "max_ms": round(ordered[-1], 1),
        "errors": errors,
    }


def _report(figures: Figures, arguments: argparse.Namespace, backend: str) -> dict[str, object]:
    rows = {page: latency_figures(values, figures.errors.get(page, 0))
            for page, values in sorted(figures.latencies.items())}
    # The target is the pages' and the journeys' posts (a sign-in hashes its password slowly
    # on purpose, so its post is left out).
    worst = max((row["p95_ms"] for page, row in rows.items() if "POST /aanmelden" not in page),
                default=0.0)
    errors = sum(row["errors"] for row in rows.values())
    return {
        "backend": backend, "users": arguments.sessions, "sessions": arguments.sessions,
        "duration_s": arguments.duration,
        "think_s": arguments.think, "workers": arguments.workers, "scale": arguments.scale,
        "requests": sum(row["requests"] for row in rows.values()), "errors": errors,
        "worst_p95_ms": worst, "target_met": worst <= TARGET_P95_MS and errors == 0,
        "pages": rows,
    }


def main() -> None:
    arguments = _arguments()
    backend = "postgresql" if arguments.database_url else "sqlite"
    with tempfile.TemporaryDirectory(prefix="matching-web-bench-") as folder:
        try:
            env = _prepare(arguments, Path(folder))
        except BaseException:
            if arguments.database_url:
                _drop_schema(arguments.database_url, arguments.schema)
            raise
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "matching", "serve", "--port", str(port),
             "--workers", str(arguments.workers)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(base, server)
            roles = list(DEMO_LOGINS)
            figures = Figures()
            signed_in = _sign_in_everyone(base, roles, figures)
            pages = {role: _main_pages(base, browser) for role, browser in signed_in.items()}
            until = time.monotonic() + arguments.duration
            claims = Claims()
            people = []
            for i in range(arguments.sessions):
                role = roles[i % len(roles)]
                if role not in signed_in:  # a person who could not start counts as an error
                    figures.add(_label(role, "POST /aanmelden"), 0.0, ok=False)
                    continue
                people.append(threading.Thread(target=_person, args=(
                    base, role, signed_in[role], pages[role], figures, until, arguments.think,
                    i, claims, arguments.journey_every)))
            for person in people:
                person.start()
            for person in people:
                person.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
            if arguments.database_url:  # the schema goes, whatever happened
                _drop_schema(arguments.database_url, arguments.schema)
    result = _report(figures, arguments, backend)
    print(f"{backend}: {arguments.sessions} users for {arguments.duration:.0f} s, "
          f"think {arguments.think} s, {arguments.workers} workers: "
          f"{result['requests']} requests, {result['errors']} errors")
    print(f"{'page':55s} {'n':>6s} {'p50':>8s} {'p95':>8s} {'max':>8s} {'err':>4s}")
    table: dict[str, dict[str, float]] = result["pages"]  # type: ignore[assignment]
    for page, row in table.items():
        print(f"{page:55s} {row['requests']:6d} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
              f"{row['max_ms']:8.1f} {row['errors']:4d}")
    verdict = "met" if result["target_met"] else "NOT met"
    print(f"worst p95 {result['worst_p95_ms']} ms; target p95 <= {TARGET_P95_MS:.0f} ms "
          f"with 0 errors: {verdict}")
    if arguments.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
