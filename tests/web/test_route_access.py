"""Every route whose address names an object, asked by every role as a user of an
organisation that does not own the object.

The pages come from the URL map, the API operations from the OpenAPI document the API
serves. For each route with an object in its address and each role, a user of that role from
another organisation (another corporation, another care provider; the agency, the
municipality and the administrators own no dwellings or clients) asks for the object: the
answer is a refusal (403 or 404) that shows none of the objects' data, never the object and
never a 500, and no refused write changes a row. Where a role legitimately reaches every
organisation's objects (the agency works on all of them, the administrator manages every
account), ACCESS says so with the reason, and that role is let through. The same request by
whoever may make it gets through, so the sweep's forms and bodies reach the access check
instead of stopping at validation.

ACCESS has an entry for every route of the URL map: a new route fails the first test until
someone decides whether its address names an object, and who may reach another
organisation's."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select
from werkzeug.test import TestResponse

from matching.config import Settings
from matching.models import (
    ApiToken,
    Candidate,
    CandidateEvent,
    Client,
    ClientEvent,
    Dwelling,
    DwellingEarmark,
    DwellingEvent,
    Lease,
    LeaseEvent,
    LeaseTransferRequest,
    Notice,
    Notification,
    Organisation,
    Proposal,
    ProposalEvent,
    ReasonCode,
    User,
    YearParameter,
)
from matching.services.users import create_api_token
from matching.web import create_app
from matching.web.form_return import SUMMARY_ANCHOR
from tests.web.route_access_requests import BODIES, Asker
from tests.web.route_access_world import Objects

ROLES = ("corporation", "matcher", "care_provider", "analyst", "admin")
# Who asks for each role: never a user of the organisation that owns the sweep's objects.
FOREIGN = {"corporation": "other_corporation", "care_provider": "other_care_provider",
           "matcher": "matcher", "analyst": "analyst", "admin": "admin"}
# Who owns each kind of object (by the start of its name), among the users of the conftest.
OWNERS = {"dwelling": {"corporation"}, "proposal": {"corporation"},
          "client": {"care_provider"}, "lease": {"corporation", "care_provider"},
          "notification": {"corporation"}, "token": {"care_provider"}}


@dataclass(frozen=True)
class Owned:
    """The address names an object of `kind` (see route_access_world.Objects); `by` is the
    conftest's user who may act on it; `foreign` names each role that reaches every
    organisation's object of the kind, and why it may."""

    kind: str
    by: str
    foreign: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Unowned:
    """The address names no organisation's object; `why` says what the route shows instead."""

    why: str


AGENCY = {"matcher": "Het Vierde Huis matches every corporation's dwellings to every care "
                     "provider's clients, and follows every round and lease"}
ADMIN = {"admin": "the administrator manages the accounts of every organisation and the "
                  "shared reference data"}


def own(kind: str, by: str = "corporation") -> Owned:
    """Only the owning organisation reaches the object."""
    return Owned(kind, by)


def agency(kind: str, by: str = "matcher") -> Owned:
    """The owner and the agency reach the object."""
    return Owned(kind, by, AGENCY)


def admin(kind: str) -> Owned:
    return Owned(kind, "admin", ADMIN)


PUBLIC = Unowned("open to anybody: signing in (both steps), the health check, the API's "
                 "description, static files, the footer's statements; nobody's data")
OWN_ACCOUNT = Unowned("the signed-in user's own account, second factor, re-authentication, "
                      "session, language or notifications")
LISTS = Unowned("a list, form or upload: its queries show the caller only what its role and "
                "organisation may see (tests/web/test_isolation.py sweeps every list)")
FIGURES = Unowned("figures of a period: counts without any organisation's records; the "
                  "analyst's small counts are suppressed")
ADMIN_LISTS = Unowned("the administrator's lists and forms; every other role gets 403")
REFERENCE = Unowned("shared reference data: target groups, reason codes, organisations")

# Every route of the URL map, by method and address. A new route needs a line here.
ACCESS: dict[str, Owned | Unowned] = {
    "GET /": PUBLIC, "GET /aanmelden": PUBLIC, "POST /aanmelden": PUBLIC, "GET /health": PUBLIC,
    "GET /static/{filename}": PUBLIC, "GET /api/v1/docs": PUBLIC,
    "GET /privacy": PUBLIC, "GET /toegankelijkheid": PUBLIC, "GET /contact": PUBLIC,
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /aanmelden/code": PUBLIC, "POST /aanmelden/code": PUBLIC,
    "POST /aanmelden/code/annuleren": PUBLIC,
    "POST /afmelden": OWN_ACCOUNT, "GET /bevestigen": OWN_ACCOUNT, "POST /bevestigen": OWN_ACCOUNT,
    "GET /profiel/tweestapsverificatie": OWN_ACCOUNT,
    "POST /profiel/tweestapsverificatie": OWN_ACCOUNT,
    "POST /profiel/tweestapsverificatie/herstelcodes": OWN_ACCOUNT,
    "POST /profiel/tweestapsverificatie/uitzetten": OWN_ACCOUNT,
    "POST /taal": OWN_ACCOUNT, "GET /profiel": OWN_ACCOUNT,
    "POST /profiel": OWN_ACCOUNT, "GET /profiel/meldingen": OWN_ACCOUNT,
    "POST /profiel/meldingen": OWN_ACCOUNT, "POST /profiel/tokens": OWN_ACCOUNT,
    "POST /profiel/tokens/{token_id}/intrekken": Owned("token", "care_provider", {
        "admin": "an administrator may revoke anybody's token, as on the user's admin page"}),
    "GET /meldingen": OWN_ACCOUNT, "POST /meldingen/alles-gelezen": OWN_ACCOUNT,
    "GET /meldingen/{notification_id}": own("notification"),
    "POST /meldingen/{notification_id}/gelezen": own("notification"),
    # the corporation's pages
    "GET /corporatie/kwartaal": LISTS, "GET /corporatie/woningen": LISTS,
    "GET /corporatie/woningen/nieuw": LISTS, "POST /corporatie/woningen/nieuw": LISTS,
    "GET /corporatie/woningen/uploaden": LISTS, "POST /corporatie/woningen/uploaden": LISTS,
    "GET /corporatie/woningen/sjabloon.{fmt}": LISTS,
    "GET /corporatie/woningen/{dwelling_id}": own("dwelling_submitted"),
    "GET /corporatie/woningen/{dwelling_id}/bewerken": own("dwelling_draft"),
    "POST /corporatie/woningen/{dwelling_id}/bewerken": own("dwelling_draft"),
    "POST /corporatie/woningen/{dwelling_id}/voordragen": own("dwelling_draft"),
    "POST /corporatie/woningen/{dwelling_id}/intrekken": own("dwelling_submitted"),
    "POST /corporatie/woningen/{dwelling_id}/vrijgeven": own("dwelling_submitted"),
    "POST /corporatie/woningen/{dwelling_id}/verhuren": own("dwelling_accepted"),
    "GET /corporatie/voorstellen": LISTS,
    "GET /corporatie/voorstellen/{proposal_id}": own("proposal"),
    "POST /corporatie/voorstellen/{proposal_id}/besluit": own("proposal"),
    # the agency's pages
    "GET /matcher/wachtrij": LISTS, "GET /matcher/te-laat": LISTS,
    "GET /matcher/aanmeldingen": LISTS, "GET /matcher/aanbiedingen": LISTS,
    "GET /matcher/eenmalig-aanbod": LISTS,
    "POST /matcher/aanmeldingen/{client_id}/goedkeuren": agency("client_registered"),
    "GET /matcher/woningen/{dwelling_id}": agency("dwelling_submitted"),
    "POST /matcher/woningen/{dwelling_id}/voorstellen": agency("dwelling_submitted"),
    "GET /matcher/aanbiedingen/{dwelling_id}": agency("dwelling_offered"),
    "POST /matcher/aanbiedingen/{dwelling_id}": agency("dwelling_offered"),
    "GET /matcher/rondes/{proposal_id}": agency("proposal"),
    "POST /matcher/rondes/{proposal_id}/verlengen": agency("proposal"),
    "POST /matcher/rondes/{proposal_id}/annuleren": agency("proposal"),
    "GET /matcher/woningen/{dwelling_id}/vrijgaveschema": agency("dwelling_submitted"),
    # clients
    "GET /clienten": LISTS, "GET /clienten/nieuw": LISTS, "POST /clienten/nieuw": LISTS,
    "GET /clienten/uploaden": LISTS, "POST /clienten/uploaden": LISTS,
    "GET /clienten/sjabloon.{fmt}": LISTS,
    "GET /clienten/{client_id}": agency("client_waiting", "care_provider"),
    "GET /clienten/{client_id}/wijzigen": agency("client_waiting", "care_provider"),
    # who saw the client, and the client's whole record: for its own care provider alone
    "GET /clienten/{client_id}/inzage": own("client_waiting", "care_provider"),
    "GET /clienten/{client_id}/gegevens.json": own("client_waiting", "care_provider"),
    "POST /clienten/{client_id}/wijzigen": agency("client_waiting", "care_provider"),
    "POST /clienten/{client_id}/pauzeren": agency("client_waiting", "care_provider"),
    "POST /clienten/{client_id}/hervatten": agency("client_on_hold", "care_provider"),
    "POST /clienten/{client_id}/intrekken": agency("client_waiting", "care_provider"),
    "POST /clienten/{client_id}/goedkeuren": agency("client_registered"),
    "POST /clienten/{client_id}/herstellen": agency("client_refused"),
    "GET /clienten/{client_id}/citydeal-voordracht": agency("client_waiting"),
    "POST /clienten/{client_id}/citydeal-voordracht": agency("client_waiting"),
    "GET /clienten/{client_id}/instellingswoning-omgeklapt": agency("client_waiting",
                                                                   "care_provider"),
    "POST /clienten/{client_id}/instellingswoning-omgeklapt": agency("client_waiting",
                                                                    "care_provider"),
    # leases
    "GET /huurcontracten": LISTS,
    "GET /huurcontracten/{lease_id}": agency("lease", "corporation"),
    "POST /huurcontracten/{lease_id}/verlengen": own("lease", "care_provider"),
    "POST /huurcontracten/{lease_id}/omklap-aanvragen": own("lease", "care_provider"),
    "POST /huurcontracten/{lease_id}/omklappen": agency("lease", "corporation"),
    "POST /huurcontracten/{lease_id}/beeindigen": own("lease"),
    # figures
    "GET /dashboard": FIGURES, "GET /dashboard/grafieken.css": FIGURES,
    "GET /contingent": FIGURES, "GET /contingenten": FIGURES,
    "POST /contingenten/standaard": FIGURES, "POST /contingenten/wijzigen": FIGURES,
    "POST /contingenten/bevestigen": FIGURES,
    "GET /planning": FIGURES, "POST /planning/aanpak/bevestigen": FIGURES,
    "GET /rapportages": FIGURES, "GET /rapportages/{quarter}.{extension}": FIGURES,
    "POST /rapportages/{quarter}/vaststellen": FIGURES, "GET /rapportages/jaar": FIGURES,
    "GET /rapportages/jaar/{year}.{extension}": FIGURES,
    "GET /rapportages/jaar/{year}/{figure}.{extension}": FIGURES,
    "GET /rapportages/aanbod": FIGURES, "POST /rapportages/aanbod": FIGURES,
    "GET /stuurcijfers": FIGURES, "POST /stuurcijfers/trede": FIGURES,
    "POST /stuurcijfers/verhuringen": FIGURES,
    "GET /stuurcijfers/statushouders/{half}": FIGURES,
    "POST /stuurcijfers/statushouders/{half}": FIGURES,
    # administration
    "GET /beheer/gebruikers": ADMIN_LISTS, "GET /beheer/gebruikers/nieuw": ADMIN_LISTS,
    "POST /beheer/gebruikers/nieuw": ADMIN_LISTS,
    "GET /beheer/gebruikers/{user_id}": admin("user"),
    "POST /beheer/gebruikers/{user_id}/activeren": admin("user"),
    "POST /beheer/gebruikers/{user_id}/deactiveren": admin("user"),
    "POST /beheer/gebruikers/{user_id}/wachtwoord": admin("user"),
    "POST /beheer/gebruikers/{user_id}/tokens/{token_id}/intrekken": admin("user_token"),
    "POST /beheer/gebruikers/{user_id}/tweestapsverificatie/uitzetten": admin("user"),
    "GET /beheer/organisaties": ADMIN_LISTS, "POST /beheer/organisaties": ADMIN_LISTS,
    "GET /beheer/organisaties/{organisation_id}": admin("organisation"),
    "POST /beheer/organisaties/{organisation_id}": admin("organisation"),
    "POST /beheer/organisaties/{organisation_id}/activeren": admin("organisation"),
    "POST /beheer/organisaties/{organisation_id}/deactiveren": admin("organisation"),
    "POST /beheer/organisaties/{organisation_id}/prestatieafspraken": admin("organisation"),
    "POST /beheer/organisaties/{organisation_id}/geen-prestatieafspraken": admin(
        "organisation"),
    "GET /beheer/redencodes": ADMIN_LISTS, "GET /beheer/redencodes/nieuw": ADMIN_LISTS,
    "POST /beheer/redencodes/nieuw": ADMIN_LISTS,
    "GET /beheer/redencodes/{code}/wijzigen": admin("reason_code"),
    "POST /beheer/redencodes/{code}/wijzigen": admin("reason_code"),
    "POST /beheer/redencodes/{code}/activeren": admin("reason_code"),
    "POST /beheer/redencodes/{code}/deactiveren": admin("reason_code"),
    "GET /beheer/jaarparameters": ADMIN_LISTS, "POST /beheer/jaarparameters": ADMIN_LISTS,
    "POST /beheer/jaarparameters/{year}/{name}/verwijderen": admin("year_parameter"),
    # the API
    "GET /api/v1/reports/supply/{quarter}": FIGURES,
    "GET /api/v1/me": OWN_ACCOUNT, "GET /api/v1/notifications": OWN_ACCOUNT,
    "POST /api/v1/notifications/{notification_id}/read": own("notification"),
    "GET /api/v1/organisations": REFERENCE, "GET /api/v1/reason-codes": REFERENCE,
    "GET /api/v1/target-groups": REFERENCE,
    "GET /api/v1/dwellings": LISTS, "POST /api/v1/dwellings": LISTS,
    "GET /api/v1/dwellings/{dwelling_id}": agency("dwelling_submitted", "corporation"),
    "POST /api/v1/dwellings/{dwelling_id}/submit": own("dwelling_draft"),
    "POST /api/v1/dwellings/{dwelling_id}/withdraw": own("dwelling_submitted"),
    "POST /api/v1/dwellings/{dwelling_id}/release": own("dwelling_submitted"),
    "POST /api/v1/dwellings/{dwelling_id}/let": own("dwelling_accepted"),
    "POST /api/v1/dwellings/{dwelling_id}/offer": agency("dwelling_offered"),
    "POST /api/v1/dwellings/{dwelling_id}/proposals": agency("dwelling_submitted"),
    "GET /api/v1/dwellings/{dwelling_id}/suggestions": agency("dwelling_submitted"),
    "GET /api/v1/proposals/{proposal_id}": agency("proposal", "corporation"),
    "POST /api/v1/proposals/{proposal_id}/decisions": own("proposal"),
    "POST /api/v1/proposals/{proposal_id}/extend": agency("proposal"),
    "POST /api/v1/proposals/{proposal_id}/cancel": agency("proposal"),
    "GET /api/v1/clients": LISTS, "POST /api/v1/clients": LISTS,
    "GET /api/v1/clients/{client_id}": agency("client_waiting", "care_provider"),
    "POST /api/v1/clients/{client_id}/approve": agency("client_registered"),
    "POST /api/v1/clients/{client_id}/hold": agency("client_waiting", "care_provider"),
    "POST /api/v1/clients/{client_id}/resume": agency("client_on_hold", "care_provider"),
    "POST /api/v1/clients/{client_id}/withdraw": agency("client_waiting", "care_provider"),
    "POST /api/v1/clients/{client_id}/reinstate": agency("client_refused"),
    "POST /api/v1/clients/{client_id}/citydeal-nomination": agency("client_waiting"),
    "GET /api/v1/leases": LISTS,
    "POST /api/v1/leases/institution": LISTS,
    "GET /api/v1/leases/{lease_id}": agency("lease", "corporation"),
    "POST /api/v1/leases/{lease_id}/transfer": agency("lease", "corporation"),
    "POST /api/v1/leases/{lease_id}/extend": own("lease", "care_provider"),
    "POST /api/v1/leases/{lease_id}/end": own("lease"),
    "GET /api/v1/contingents/{year}": FIGURES, "GET /api/v1/quarters/{quarter}/quotas": FIGURES,
    "GET /api/v1/quarters/{quarter}/total-lettings": FIGURES,
    "PUT /api/v1/quarters/{quarter}/total-lettings": FIGURES,
    "POST /api/v1/quarters/{quarter}/close": FIGURES,
    "PUT /api/v1/statushouders/{half}/rung": FIGURES,
    "PUT /api/v1/statushouders/{half}/inputs": FIGURES,
    "GET /api/v1/reports/quarter/{quarter}": FIGURES, "GET /api/v1/reports/year/{year}": FIGURES,
    "GET /api/v1/reports/balance/{year}": FIGURES,
    "GET /api/v1/reports/allocation/{year}": FIGURES,
    "GET /api/v1/reports/statushouders/{half}": FIGURES,
}

# A path parameter ending in _id names an object; so do these. The others name no object.
NAMED_OBJECTS = {"code": "a reason code", "name": "a year parameter, with its year"}
NOT_OBJECTS = {"quarter": "a period", "year": "a period", "half": "a half year",
               "fmt": "an upload template's format", "extension": "a download's format",
               "figure": "one figure of the year report", "filename": "a static file"}
PARAMETER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


# --- the routes ------------------------------------------------------------------------------


def _placeholder(parameter: re.Match[str]) -> str:
    return "{" + parameter.group(1) + "}"


def _url_map_keys(app: Flask) -> set[str]:
    """Every route of the URL map as 'METHOD /address/{parameter}', as the OpenAPI document
    writes its paths."""
    return {f"{method} {PARAMETER.sub(_placeholder, rule.rule)}"
            for rule in app.url_map.iter_rules()
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}


def _api_operations(app: Flask) -> dict[str, str]:
    """The operation id of every operation of the OpenAPI document, by 'METHOD /path'."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return {f"{method.upper()} {path}": operation["operationId"]
            for path, operations in document["paths"].items()
            for method, operation in operations.items()}


@dataclass(frozen=True)
class Case:
    """One route that names an object; `operation` is its OpenAPI id (None for a page)."""

    method: str
    path: str
    rule: Owned
    operation: str | None

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def _cases(app: Flask) -> list[Case]:
    """The pages of the URL map and the operations of the OpenAPI document that name an
    object in their address."""
    pages = [key for key in _url_map_keys(app) if " /api/" not in key]
    found = [(key, None) for key in pages] + list(_api_operations(app).items())
    cases = []
    for key, operation in sorted(found):
        rule = ACCESS.get(key)  # a route without one fails the first test
        if isinstance(rule, Owned):
            method, path = key.split(" ", 1)
            cases.append(Case(method, path, rule, operation))
    return cases


@pytest.fixture
def bare_app(tmp_path: Path) -> Flask:
    """The application on an empty database: its routes and its OpenAPI document need none."""
    return create_app(Settings(database_url=f"sqlite:///{tmp_path / 'routes.sqlite'}",
                               secret_key="test", env="development"))


def _routes_without_a_rule(app: Flask) -> list[str]:
    return sorted(_url_map_keys(app) - set(ACCESS))


def test_every_route_of_the_url_map_has_an_access_rule(bare_app: Flask):
    app = bare_app
    missing = _routes_without_a_rule(app)
    assert not missing, (
        "routes without an entry in ACCESS (tests/web/test_route_access.py): say whether "
        f"their address names an object and who may reach another organisation's: {missing}")
    gone = sorted(set(ACCESS) - _url_map_keys(app))
    assert not gone, f"ACCESS names routes that are gone: {gone}"


def test_a_new_route_without_an_access_rule_is_named_by_the_check(bare_app: Flask):
    before = _routes_without_a_rule(bare_app)
    bare_app.add_url_rule("/clienten/<int:client_id>/nieuw-overzicht", "new_page",
                          lambda client_id: "")
    added = set(_routes_without_a_rule(bare_app)) - set(before)
    assert added == {"GET /clienten/{client_id}/nieuw-overzicht"}


def test_a_route_whose_address_names_an_object_has_an_owned_rule_and_no_other(bare_app: Flask):
    app = bare_app
    wrong = []
    for key in sorted(_url_map_keys(app) & set(ACCESS)):
        path, rule = key.split(" ", 1)[1], ACCESS[key]
        names = PLACEHOLDER.findall(path)
        unknown = [name for name in names if not name.endswith("_id")
                   and name not in NAMED_OBJECTS and name not in NOT_OBJECTS]
        named = any(name.endswith("_id") or name in NAMED_OBJECTS for name in names)
        if unknown:
            wrong.append(f"{key}: does {unknown} name an object? Add it to NAMED_OBJECTS "
                         "or NOT_OBJECTS")
        elif named != isinstance(rule, Owned):
            wrong.append(f"{key}: {rule}")
        if isinstance(rule, Owned):
            owners = OWNERS.get(rule.kind.split("_")[0], set())
            if not set(rule.foreign) <= set(ROLES) or not all(rule.foreign.values()):
                wrong.append(f"{key}: each foreign role needs a reason: {rule.foreign}")
            if rule.by not in owners | set(rule.foreign):
                wrong.append(f"{key}: {rule.by} neither owns a {rule.kind} nor reaches all")
    assert not wrong, "\n".join(wrong)


def test_the_openapi_document_describes_exactly_the_api_routes_of_the_url_map(bare_app: Flask):
    app = bare_app
    documented = _api_operations(app)
    served = {key for key in _url_map_keys(app) if " /api/v1/" in key} - {
        "GET /api/v1/docs", "GET /api/v1/openapi.json"}
    assert set(documented) == served
    assert set(BODIES) <= set(documented.values())


# --- the sweep -------------------------------------------------------------------------------


@pytest.fixture
def objects(reference: Session, users: dict[str, User]) -> Objects:
    return Objects(reference, users)


@pytest.fixture
def asker(app: Flask, reference: Session, users: dict[str, User], objects: Objects,
          signed_in: Callable[[str], FlaskClient]) -> Asker:
    tokens = {key: create_api_token(reference, user=user) for key, user in users.items()}
    return Asker(app, objects, {key: signed_in(key) for key in users}, tokens)


def _ask(asker: Asker, user: str, case: Case) -> TestResponse:
    return asker.ask(user, case.method, case.path, case.rule.kind, case.operation)


# The rows a refused request must leave as they were (the access log, sessions and sign-in
# attempts aside: signing in and reading write those).
GUARDED: tuple[type[SQLModel], ...] = (
    Organisation, User, ApiToken, ReasonCode, YearParameter, Dwelling, DwellingEarmark, Client,
    Proposal, Candidate, Lease, LeaseTransferRequest, DwellingEvent, ClientEvent,
    ProposalEvent, CandidateEvent, LeaseEvent, Notice, Notification,
)


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    rows = {}
    with engine.connect() as connection:
        for model in GUARDED:
            table = model.__table__  # type: ignore[attr-defined]
            found = connection.execute(select(table).order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(row) for row in found]
    return rows


def _refusal_problem(response: TestResponse, secrets: list[str]) -> str | None:
    """What is wrong with an answer that should refuse; None when it refuses."""
    if response.status_code not in (403, 404):
        return "not refused"
    shown = [secret for secret in secrets if secret in response.get_data(as_text=True)]
    return f"shows {shown}" if shown else None


def test_no_role_of_another_organisation_reaches_an_object_through_any_route(
    app: Flask, engine: Engine, objects: Objects, asker: Asker,
):
    cases = _cases(app)
    assert len([c for c in cases if c.operation]) >= 20 and len(cases) >= 60, cases
    before = _snapshot(engine)
    assert before["dwelling"] and before["client"] and before["lease"]
    wrong, asked = [], 0
    for case in cases:
        for role in ROLES:
            if role in case.rule.foreign:
                continue  # ACCESS says why; the next test lets it through
            response = _ask(asker, FOREIGN[role], case)
            asked += 1
            problem = _refusal_problem(response, objects.secrets)
            if problem:
                wrong.append((case.key, role, response.status_code, problem))
    assert asked >= 4 * len(cases)
    assert not wrong, "routes that do not refuse another organisation's user " + (
        "(route, role, status, problem):\n" + "\n".join(map(str, wrong)))
    after = _snapshot(engine)
    changed = [table for table in before if before[table] != after[table]]
    assert not changed, f"refused requests changed rows of {changed}"


def _lets_through(response: TestResponse, method: str) -> bool:
    """A read shows the page or moves on; a write passes the access check and the form's or
    body's validation (a refused transition, 409, got that far)."""
    if method == "GET":
        return response.status_code < 400
    if response.status_code == 303 and response.location.endswith(f"#{SUMMARY_ANCHOR}"):
        return False  # a refused form sent back to its page (matching/web/form_return.py)
    return response.status_code < 500 and response.status_code not in (400, 401, 403, 404, 422)


def test_whoever_may_reach_the_object_is_let_through_with_the_same_request(
    app: Flask, objects: Objects, asker: Asker,
):
    """The other half: ACCESS's allowances hold, and the owner's (or the agency's) request
    with the sweep's form or body gets through, so the refusals above were the access
    check's and not a validation error's."""
    cases = _cases(app)
    wrong = []
    for case in (c for c in cases if c.method == "GET"):
        for role in case.rule.foreign:
            response = _ask(asker, FOREIGN[role], case)
            if not _lets_through(response, "GET"):
                wrong.append((case.key, role, response.status_code))
    # Reads before writes; the administrator's writes (on Jellinek) last.
    for case in sorted(cases, key=lambda c: (c.method != "GET", c.rule.by == "admin", c.key)):
        if case.method != "GET":
            objects.renew(case.rule.kind)  # a write before may have moved it on
        response = _ask(asker, case.rule.by, case)
        if not _lets_through(response, case.method):
            wrong.append((case.key, case.rule.by, response.status_code))
    assert not wrong, "requests refused to whoever may make them (route, user, status):\n" + (
        "\n".join(map(str, wrong)))
