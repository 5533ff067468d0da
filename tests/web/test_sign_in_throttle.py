"""The sign-in brake as a user behind the README's proxy notices it: a wait in seconds with a
Retry-After, and an address that is the user's own only when the proxy is trusted."""

from datetime import timedelta

import pytest
from flask import Flask, request
from sqlmodel import select

import matching.web.auth as auth_views
from matching.config import ConfigurationError, load_settings
from matching.models import LoginAttempt
from matching.services.throttle import FREE_ATTEMPTS_PER_ADDRESS, FREE_ATTEMPTS_PER_EMAIL
from matching.vocabulary import utcnow
from tests.conftest import new_application
from tests.web.conftest import PASSWORD, csrf_token

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.9"


def _post_sign_in(client, email: str, password: str, forwarded_for: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    token = csrf_token(client, "/aanmelden")
    return client.post("/aanmelden", headers=headers,
                       data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def behind_proxy(reference, database_url: str) -> Flask:  # type: ignore[no-untyped-def]
    """The application as the README deploys it: one proxy in front, trusted."""
    return new_application(database_url, trusted_proxies=1)


def test_the_owner_is_told_to_wait_seconds_and_then_signs_in(app, client, users, monkeypatch):
    owner = users["care_provider"]
    for _ in range(FREE_ATTEMPTS_PER_EMAIL):
        assert _post_sign_in(client, owner.email, "wrong password!").status_code == 401
    waiting = _post_sign_in(client, owner.email, PASSWORD)
    assert waiting.status_code == 429
    wait = int(waiting.headers["Retry-After"])
    assert 0 < wait <= 2
    assert "Probeer het over" in waiting.get_data(as_text=True)
    later = utcnow() + timedelta(seconds=wait)
    monkeypatch.setattr(auth_views, "utcnow", lambda: later)
    assert _post_sign_in(client, owner.email, PASSWORD).status_code == 302


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(app, client, users):
    # Without a trusted proxy an attacker cannot dodge the address brake by inventing
    # addresses: every attempt counts against the address that really connected.
    for number in range(FREE_ATTEMPTS_PER_ADDRESS):
        response = _post_sign_in(client, f"guess{number}@example.org", "wrong password!",
                                 forwarded_for=f"192.0.2.{number + 1}")
        assert response.status_code == 401
    refused = _post_sign_in(client, "one-more@example.org", "wrong password!",
                            forwarded_for="192.0.2.200")
    assert refused.status_code == 429


def test_behind_a_trusted_proxy_an_attacker_slows_down_only_himself(behind_proxy, reference,
                                                                   users):
    attacker, owner = behind_proxy.test_client(), behind_proxy.test_client()
    for number in range(FREE_ATTEMPTS_PER_ADDRESS):
        response = _post_sign_in(attacker, f"guess{number}@example.org", "wrong password!",
                                 forwarded_for=ATTACKER)
        assert response.status_code == 401
    assert _post_sign_in(attacker, "one-more@example.org", "wrong password!",
                         forwarded_for=ATTACKER).status_code == 429
    signed_in = _post_sign_in(owner, users["matcher"].email, PASSWORD, forwarded_for=OWNER)
    assert signed_in.status_code == 302
    recorded = {row.remote_addr for row in reference.exec(select(LoginAttempt))}
    assert recorded == {ATTACKER}


def _report_request(app: Flask) -> None:
    app.add_url_rule("/probe-address", "probe_address",
                     lambda: f"{request.remote_addr} {request.scheme}")


def test_the_forwarded_address_and_scheme_count_only_from_a_trusted_proxy(
    reference, database_url, behind_proxy,
):
    headers = {"X-Forwarded-For": ATTACKER, "X-Forwarded-Proto": "https"}
    app = new_application(database_url)
    _report_request(app)
    _report_request(behind_proxy)
    assert app.test_client().get("/probe-address", headers=headers).get_data(as_text=True) \
        == "127.0.0.1 http"
    assert behind_proxy.test_client().get("/probe-address", headers=headers) \
        .get_data(as_text=True) == f"{ATTACKER} https"


def test_two_proxies_in_front_trust_the_address_the_outer_one_saw(reference, database_url):
    app = new_application(database_url, trusted_proxies=2)
    _report_request(app)
    # The client forged the first entry; the outer proxy appended what it saw.
    headers = {"X-Forwarded-For": f"10.9.9.9, {OWNER}, 192.0.2.50"}
    assert app.test_client().get("/probe-address", headers=headers).get_data(as_text=True) \
        .startswith(f"{OWNER} ")


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_trusted_proxy_count_that_is_not_a_whole_number_is_refused(value: str):
    with pytest.raises(ConfigurationError, match="MATCHING_TRUSTED_PROXIES"):
        load_settings({"MATCHING_SECRET_KEY": "k" * 40, "MATCHING_TRUSTED_PROXIES": value})


def test_no_proxy_is_trusted_unless_configured():
    assert load_settings({"MATCHING_SECRET_KEY": "k" * 40}).trusted_proxies == 0
    assert load_settings({"MATCHING_SECRET_KEY": "k" * 40,
                          "MATCHING_TRUSTED_PROXIES": " 1 "}).trusted_proxies == 1
