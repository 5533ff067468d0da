"""The requests of the route-access sweep: a page through a signed-in browser with a form its
owner could send, an API operation with a bearer token and a body its caller could send.

Forms and bodies are valid for whoever may make the request, so a refusal is the access
check's, not a validation error's (tests/web/test_route_access.py checks both)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from matching.workdays import add_working_days
from tests.web.conftest import csrf_token
from tests.web.route_access_world import Objects, Params


def _later(objects: Objects, days: int) -> str:
    return (objects.today + timedelta(days=days)).isoformat()


def _next_working_day(objects: Objects) -> str:
    """A round's new deadline: after today and within one more decision term."""
    return add_working_days(objects.today, 1).isoformat()


def _candidate(objects: Objects, values: Params) -> int:
    """A client in the round the address names (0 when it names none)."""
    return objects.candidates.get(int(values.get("proposal_id", 0)), 0)


# A body per API operation that takes one, by its OpenAPI operation id.
BODIES: dict[str, Callable[[Objects, Params], dict[str, Any]]] = {
    "withdraw_dwelling": lambda o, v: {"reason": "toegangstest"},
    "let_dwelling": lambda o, v: {"lease_start": _later(o, 7), "lease_type": "flip"},
    "record_offer_answer": lambda o, v: {"answer": "accepted"},
    "propose_candidates": lambda o, v: {"client_ids": [o.spare_client_id],
                                        "motivation": "toegangstest"},
    "decide_candidate": lambda o, v: {"client_id": _candidate(o, v), "decision": "accept"},
    "extend_round": lambda o, v: {"deadline": _next_working_day(o), "reason": "toegangstest"},
    "cancel_round": lambda o, v: {"reason": "toegangstest"},
    "approve_client": lambda o, v: {"waiting_since": "2019-07-01"},
    "hold_client": lambda o, v: {"reason": "toegangstest"},
    "resume_client": lambda o, v: {"reason": "toegangstest"},
    "withdraw_client": lambda o, v: {"reason": "toegangstest"},
    "reinstate_client": lambda o, v: {"motivation": "toegangstest"},
    "record_citydeal_nomination": lambda o, v: {"nominated_on": o.today.isoformat()},
    "transfer_lease": lambda o, v: {"on": _later(o, 30)},
    "extend_lease": lambda o, v: {"review_on": _later(o, 1000), "reason": "toegangstest"},
    "end_lease": lambda o, v: {"on": _later(o, 30), "reason": "toegangstest"},
}

# Pages with several action forms give each its own prefix, CSRF token included.
FORM_PREFIXES = ("hold", "withdraw", "reinstate", "approve", "resume",  # a client's page
                 "extend", "transfer", "end", "request",  # a lease's page
                 "cancel")  # a round's page (with extend)


def page_form(objects: Objects, values: Params, token: str) -> dict[str, str]:
    """Every field an object page's forms ask for, filled as their owner would."""
    fields = {
        "reason": "toegangstest", "motivation": "toegangstest", "note": "toegangstest",
        "decision": "accept", "client_id": str(_candidate(objects, values)),
        "client_ids": str(objects.spare_client_id), "answer": "accepted",
        "lease_start": _later(objects, 7), "lease_type": "flip", "waiting_since": "2019-07-01",
        "deadline": _next_working_day(objects), "review_on": _later(objects, 1000),
        "on": _later(objects, 30), "wished_on": _later(objects, 30),
        # the dwelling's and the client's edit forms
        "address": "Gewijzigd Hof 1, Utrecht", "postcode": "3531AB", "wijk": "Overvecht",
        "rooms": "2", "floor_area_m2": "48", "rent": "560,00", "floor": "0",
        "designation": "uitstroom", "available_from": "2019-09-01",
        "reference": "GEWIJZIGD-1", "target_group": "mobw_uitstroom", "adults": "1",
        "children": "0", "birth_year": "1985", "annual_income": "16000",
        "registered_on": "2019-06-01",
        # an institution dwelling flipped (the client's page), a City Deal nomination
        "corporation_id": str(objects.mitros.organisation_id), "start": objects.today.isoformat(),
        "nominated_on": objects.today.isoformat(),
        # the administrator's forms
        "name": "Gewijzigd", "label_nl": "Gewijzigd", "label_en": "Changed",
        "csrf_token": token,
    }
    return fields | {f"{prefix}-{name}": value for prefix in FORM_PREFIXES
                     for name, value in fields.items()}


class Asker:
    """Sends a request as any user of the web conftest, to the object of a kind."""

    def __init__(self, app: Flask, objects: Objects, browsers: dict[str, FlaskClient],
                 tokens: dict[str, str]) -> None:
        self.api, self.objects = app.test_client(), objects
        self.browsers, self.tokens = browsers, tokens
        self.csrf = {user: csrf_token(browser, "/profiel") for user, browser in browsers.items()}

    def ask(self, user: str, method: str, path: str, kind: str,
            operation: str | None) -> TestResponse:
        """`path` has {parameter}s; `operation` is the OpenAPI id (None for a page)."""
        values = self.objects.params[kind]
        url = path.format(**values)
        if operation is not None:
            body = BODIES.get(operation)
            return self.api.open(url, method=method,
                                 headers={"Authorization": f"Bearer {self.tokens[user]}"},
                                 json=body(self.objects, values) if body else None)
        browser = self.browsers[user]
        if method == "GET":
            return browser.get(url)
        return browser.open(url, method=method,
                            data=page_form(self.objects, values, self.csrf[user]))
