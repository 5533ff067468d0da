"""benchmarks/web_journeys.py posts a form with the CSRF token read from it, follows the
redirect and times both, and counts a refused post, an error shown after the redirect or a
missing form as an error: against a small local server that plays the client form."""

import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import web_journeys  # noqa: E402

from tests.local_server import serving

FORM = (b'<form method="post" class="stacked" novalidate>'
        b'<input id="csrf_token" name="csrf_token" type="hidden" value="token-&amp;2">'
        b'<input name="reference"></form>')


class _Clients(BaseHTTPRequestHandler):
    """The client form: a post with the form's token and a reference leads to the client."""

    behaviour = "accept"  # or "refuse", "error-after", "no-form"
    bodies: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the handler's protocol)
        self.send_response(200)
        self.end_headers()
        if self.path == "/clienten/nieuw":
            self.wfile.write(b"<p>leeg</p>" if self.behaviour == "no-form" else FORM)
        elif self.behaviour == "error-after":
            self.wfile.write(b'<div class="utrecht-alert utrecht-alert--error">Mis</div>')
        else:
            self.wfile.write(b'<div class="utrecht-alert utrecht-alert--ok">Aangemeld</div>')

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        type(self).bodies.append(body)
        if self.behaviour == "refuse" or "csrf_token=token-%262" not in body:
            self.send_response(422)
        else:
            self.send_response(302)
            self.send_header("Location", "/clienten/7")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Clients.bodies = []
    with serving(_Clients) as url:
        yield url


def _run(server: str, behaviour: str) -> tuple[dict[str, int], dict[str, int]]:
    _Clients.behaviour = behaviour
    latencies: dict[str, int] = {}
    errors: dict[str, int] = {}

    def record(page: str, seconds: float, ok: bool) -> None:
        latencies[page] = latencies.get(page, 0) + 1
        if not ok:
            errors[page] = errors.get(page, 0) + 1

    person = web_journeys.Person(server, "care_provider", requests.Session(), record,
                                 lambda role, path: path, web_journeys.Claims(), 3)
    web_journeys.care_provider(person)
    return latencies, errors


def test_a_post_reads_the_token_from_the_form_and_times_the_page_it_leads_to(server: str) -> None:
    latencies, errors = _run(server, "accept")
    assert latencies == {"POST /clients (register)": 1, "-> /clienten/7": 1}
    assert errors == {}
    assert "reference=MEET-03-0000" in _Clients.bodies[0]


def test_a_refused_post_is_an_error(server: str) -> None:
    latencies, errors = _run(server, "refuse")
    assert errors == {"POST /clients (register)": 1}
    assert latencies == {"POST /clients (register)": 1}  # no page to follow


def test_an_error_on_the_page_it_leads_to_is_an_error(server: str) -> None:
    latencies, errors = _run(server, "error-after")
    assert errors == {"-> /clienten/7": 1}
    assert latencies == {"POST /clients (register)": 1, "-> /clienten/7": 1}


def test_a_page_without_its_form_is_an_error_of_the_post(server: str) -> None:
    latencies, errors = _run(server, "no-form")
    assert errors == {"POST /clients (register)": 1}
    assert _Clients.bodies == []


def test_a_confirmation_page_carries_its_hidden_fields() -> None:
    page = ('<form method="post" action="/corporatie/voorstellen/5/besluit" class="actions">'
            '<input type="hidden" name="csrf_token" value="t">'
            '<input type="hidden" name="client_id" value="12">'
            '<input type="hidden" name="decision" value="accept">'
            '<input type="hidden" name="bevestigd" value="ja"><button>Ja</button></form>')
    (form,) = web_journeys.forms(page)
    assert form.action == "/corporatie/voorstellen/5/besluit"
    assert form.fields == [("csrf_token", "t"), ("client_id", "12"), ("decision", "accept"),
                           ("bevestigd", "ja")]


def test_two_people_never_claim_the_same_round() -> None:
    claims = web_journeys.Claims()
    rounds = ["/corporatie/voorstellen/1", "/corporatie/voorstellen/2"]
    assert [claims.first_free(rounds) for _ in range(3)] == [*rounds, None]

