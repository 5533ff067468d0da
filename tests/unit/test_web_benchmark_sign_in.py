"""benchmarks/web.py counts a sign-in that is refused or cannot connect as an error, and times
the page a sign-in leads to: against a small local server that plays the sign-in page."""

import importlib.util
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import ModuleType

import pytest

from tests.local_server import serving

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "web.py"
FORM = b'<form><input name="csrf_token" type="hidden" value="token-1"></form>'


@pytest.fixture(scope="module")
def web() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_web", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_web"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


class _SignIn(BaseHTTPRequestHandler):
    """Accepts only the demo password; a refusal shows the form again (200), as the app does."""

    accepted_password = ""

    def do_GET(self) -> None:  # noqa: N802 (the handler's protocol)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(FORM if self.path == "/aanmelden" else b"home")

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if f"password={self.accepted_password}" in body and "csrf_token=token-1" in body:
            self.send_response(302)
            self.send_header("Location", "/")
        else:
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(web: ModuleType) -> Iterator[str]:
    _SignIn.accepted_password = web.DEMO_PASSWORD
    with serving(_SignIn) as url:
        yield url


def test_a_refused_sign_in_is_an_error_and_leaves_the_role_out(web, server):  # type: ignore[no-untyped-def]
    figures = web.Figures()
    assert web._sign_in(server, "matcher", figures, password="onjuist-wachtwoord") is None
    assert dict(figures.errors) == {web._label("matcher", "POST /aanmelden"): 1}


def test_a_sign_in_that_cannot_connect_is_an_error(web):  # type: ignore[no-untyped-def]
    figures = web.Figures()
    port = web._free_port()  # nobody listens there
    assert web._sign_in(f"http://127.0.0.1:{port}", "analyst", figures) is None
    assert sum(figures.errors.values()) == 1


def test_a_good_sign_in_times_the_post_and_the_page_it_leads_to(web, server):  # type: ignore[no-untyped-def]
    figures = web.Figures()
    signed_in = web._sign_in_everyone(server, ["matcher", "analyst"], figures)
    assert set(signed_in) == {"matcher", "analyst"}
    assert sum(figures.errors.values()) == 0
    assert set(figures.latencies) == {
        web._label(role, page) for role in ("matcher", "analyst")
        for page in ("POST /aanmelden", "-> /")}
