"""One sweep over every page: who may open which object, and what reading a client costs.

Every GET page with an integer id in its address is opened by a user of every role. The
organisation that owns the object (or a role entitled to it) sees it; a user of another
organisation of the same role gets the same 404 as for an id that does not exist, so the
object's existence does not leak; a role that may not use the page at all gets 403. Pages
that show clients' records write who read which client to the access log, and the analyst
never sees a client's reference or exact income.

A new page with an integer id fails the sweep until ID_PAGES says what to fill in, so new
pages are covered too."""

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, func, select
from werkzeug.test import TestResponse

from matching.models import AccessLog, Client, Dwelling, Lease, Notification, Proposal, User
from matching.quarters import quarter_of
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, record_offer_answer, submit_dwelling
from matching.services.leases import let_dwelling
from matching.services.proposals import decide_candidate, propose_candidates
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.factories import ClientData, DwellingData
from tests.web.conftest import ROLE_ORGANISATIONS

USERS = tuple(ROLE_ORGANISATIONS)  # corporation, other_corporation, matcher, ...
MIN_PAGES_OPENED = 10  # each user's pages that answered 200 in the sweep below
MIN_PAGES_SHOWING_CLIENTS = 4  # of them that showed clients (matcher, care provider)

# Who may open a kind of page: 200 for these users, 404 for those of another organisation
# of the same role; every other user's role may not use the page at all (403).
CORPORATION_PAGE = {"corporation": 200, "other_corporation": 404}
MATCHER_PAGE = {"matcher": 200}
CLIENT_PAGE = {"care_provider": 200, "matcher": 200, "other_care_provider": 404}
# Who saw a client, and everything held about it: for the client's own care provider only.
OWN_CLIENT_PAGE = {"care_provider": 200, "other_care_provider": 404}
LEASE_PAGE = {"corporation": 200, "care_provider": 200, "matcher": 200,
              "other_corporation": 404, "other_care_provider": 404}
ADMIN_PAGE = {"admin": 200}
# A notification is its user's alone: opening it leads on to its subject's page (302); for
# anybody else it does not exist, whatever their role.
NOTIFICATION_PAGE = {user: 404 for user in USERS} | {"corporation": 302}

# Which object an id page shows, by the start of its address (the first match wins), and
# who may see it. The edit pages need an object that can still be edited.
ID_PAGES: list[tuple[str, str, dict[str, int]]] = [
    ("/corporatie/woningen/<int:dwelling_id>/bewerken", "draft_dwelling", CORPORATION_PAGE),
    ("/corporatie/woningen/<int:dwelling_id>", "let_dwelling", CORPORATION_PAGE),
    ("/corporatie/voorstellen/<int:proposal_id>", "proposal", CORPORATION_PAGE),
    # A release schedule is the agency's and the owning corporation's.
    ("/matcher/woningen/<int:dwelling_id>/vrijgaveschema", "submitted_dwelling",
     MATCHER_PAGE | CORPORATION_PAGE),
    ("/matcher/woningen/<int:dwelling_id>", "submitted_dwelling", MATCHER_PAGE),
    ("/matcher/aanbiedingen/<int:dwelling_id>", "offered_dwelling", MATCHER_PAGE),
    ("/matcher/rondes/<int:proposal_id>", "proposal", MATCHER_PAGE),
    ("/meldingen/<int:notification_id>", "notification", NOTIFICATION_PAGE),
    # The Citydeal-overleg's nominations are recorded by the agency only.
    ("/clienten/<int:client_id>/citydeal-voordracht", "waiting_client", MATCHER_PAGE),
    ("/clienten/<int:client_id>/inzage", "waiting_client", OWN_CLIENT_PAGE),
    ("/clienten/<int:client_id>/gegevens.json", "waiting_client", OWN_CLIENT_PAGE),
    ("/clienten/<int:client_id>", "waiting_client", CLIENT_PAGE),
    ("/huurcontracten/<int:lease_id>", "lease", LEASE_PAGE),
    ("/beheer/gebruikers/<int:user_id>", "user", ADMIN_PAGE),
    ("/beheer/organisaties/<int:organisation_id>", "organisation", ADMIN_PAGE),
]

MISSING_ID = 987_654
INT_PARAMETER = re.compile(r"<int:\w+>")
ANY_PARAMETER = re.compile(r"<(?:\w+:)?\w+>")


@dataclass
class World:
    """The ids of one object of every kind that has a page, plus the clients by name."""

    ids: dict[str, int]
    clients: dict[str, Client]
    addresses: list[str]  # of Mitros's dwellings


def _client(session: Session, provider: User, matcher: User | None, n: int) -> Client:
    """A client with a reference and an income nobody could mistake for another number."""
    client = register_client(session, data=ClientData(
        reference=f"ISOREF-{n:03d}", annual_income=16_100 + 37 * n), actor=provider)
    if matcher is not None:
        approve_client(session, client_id=client.id, actor=matcher)
    return client


def _dwelling(session: Session, corporation: User, *, submit: bool = True, **data: object):
    dwelling = create_dwelling(session, data=DwellingData(**data), actor=corporation)
    if submit:
        submit_dwelling(session, dwelling_id=dwelling.id, actor=corporation)
    return dwelling


@pytest.fixture
def world(reference: Session, users: dict[str, User]) -> World:
    """Mitros's dwellings in every state that has a page, with Lister's clients in them."""
    session = reference
    mitros, lister, matcher = users["corporation"], users["care_provider"], users["matcher"]
    clients = {
        "waiting": _client(session, lister, matcher, 1),
        "round_a": _client(session, lister, matcher, 2),
        "round_b": _client(session, lister, matcher, 3),
        "offered": _client(session, lister, matcher, 4),
        "housed": _client(session, lister, matcher, 5),
        "referral": _client(session, lister, None, 6),
        "other": _client(session, users["other_care_provider"], matcher, 7),
    }

    # A round of two candidates the corporation still has to decide on.
    round_dwelling = _dwelling(session, mitros)
    proposal = propose_candidates(
        session, dwelling_id=round_dwelling.id, actor=matcher, motivation="isolatietest",
        client_ids=[clients["round_a"].id, clients["round_b"].id])

    # A dwelling whose one-time offer is out with a client.
    offered = _dwelling(session, mitros)
    first = propose_candidates(session, dwelling_id=offered.id, actor=matcher,
                               client_ids=[clients["offered"].id], motivation="isolatietest")
    decide_candidate(session, proposal_id=first.id, client_id=clients["offered"].id,
                     decision="accept", actor=mitros)

    # A dwelling let as a flip lease: Lister rents it for its client.
    let = _dwelling(session, mitros, lease_type="flip")
    won = propose_candidates(session, dwelling_id=let.id, actor=matcher,
                             client_ids=[clients["housed"].id], motivation="isolatietest")
    decide_candidate(session, proposal_id=won.id, client_id=clients["housed"].id,
                     decision="accept", actor=mitros)
    record_offer_answer(session, dwelling_id=let.id, answer="accepted", actor=matcher)
    lease = let_dwelling(session, dwelling_id=let.id, lease_type="flip", actor=mitros,
                         lease_start=local_date(utcnow()) + timedelta(days=7))
    assert lease.tenant_care_provider_id == lister.organisation_id

    submitted = _dwelling(session, mitros)  # waiting for a round: the engine suggests
    draft = _dwelling(session, mitros, submit=False)
    ids = {
        "let_dwelling": let.id, "draft_dwelling": draft.id, "submitted_dwelling": submitted.id,
        "round_dwelling": round_dwelling.id, "offered_dwelling": offered.id,
        "proposal": proposal.id, "lease": lease.id, "waiting_client": clients["waiting"].id,
        "user": lister.id, "organisation": lister.organisation_id,
        "notification": session.exec(select(Notification.id).where(
            Notification.user_id == mitros.id).order_by(col(Notification.id))).first(),
    }
    assert all(isinstance(value, int) for value in ids.values())
    addresses = [d.address for d in (let, draft, submitted, round_dwelling, offered)]
    return World(ids, clients, addresses)


def _get_rules(app: Flask) -> list[str]:
    """The addresses of every GET page of the web app (the API and static files aside)."""
    return sorted({
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.rule.startswith(("/api/", "/static/"))
    })


def _id_page(rule: str) -> tuple[str, str, dict[str, int]] | None:
    """The prefix, object kind and access of an id page; None when the sweep cannot fill it
    (its start is unknown, or it has a second parameter the sweep would not know)."""
    for prefix, kind, access in ID_PAGES:
        if rule.startswith(prefix):
            rest = rule[len(prefix):]
            return None if ANY_PARAMETER.search(rest) else (prefix, kind, access)
    return None


def _fill(rule: str, object_id: int) -> str:
    return INT_PARAMETER.sub(str(object_id), rule)


@pytest.fixture
def browsers(signed_in: Callable[[str], FlaskClient]) -> dict[str, FlaskClient]:
    """A signed-in test client for every user of the web conftest."""
    return {key: signed_in(key) for key in USERS}


def test_a_new_page_with_an_id_in_its_address_must_be_taught_to_the_sweep(app: Flask):
    unknown = [rule for rule in _get_rules(app)
               if INT_PARAMETER.search(rule) and _id_page(rule) is None]
    assert not unknown, (
        "GET pages with an integer id that tests/web/test_isolation.py cannot fill in; add "
        f"them to ID_PAGES: {unknown}")
    assert len([r for r in _get_rules(app) if INT_PARAMETER.search(r)]) >= len(ID_PAGES)


def test_every_id_page_shows_its_object_to_its_owner_only_and_hides_it_from_others(
    app: Flask, world: World, browsers: dict[str, FlaskClient],
):
    wrong: list[tuple[str, str, int, int]] = []  # (address, user, got, expected)
    swept: set[str] = set()
    for rule in _get_rules(app):
        found = _id_page(rule)
        if found is None:
            continue  # no integer id (or unknown: the test above fails on those)
        prefix, kind, access = found
        swept.add(prefix)
        for user in USERS:
            expected = access.get(user, 403)
            url = _fill(rule, world.ids[kind])
            got = browsers[user].get(url).status_code
            if got != expected:
                wrong.append((url, user, got, expected))
            # An id that does not exist answers like another organisation's: no oracle.
            missing = _fill(rule, MISSING_ID)
            got = browsers[user].get(missing).status_code
            if got != (404 if user in access else 403):
                wrong.append((missing, user, got, 404 if user in access else 403))
        anonymous = app.test_client().get(_fill(rule, world.ids[kind]))
        if anonymous.status_code != 302 or "/aanmelden" not in anonymous.location:
            wrong.append((_fill(rule, world.ids[kind]), "anonymous", anonymous.status_code, 302))
    assert not wrong, "pages that answer the wrong user (address, user, got, expected):\n" + (
        "\n".join(map(str, wrong)))
    assert swept == {prefix for prefix, _, _ in ID_PAGES}, "ID_PAGES names a page that is gone"


# --- the access log --------------------------------------------------------------------------


def _last_log_id(session: Session) -> int:
    return session.exec(select(func.max(AccessLog.id))).one() or 0


def _logged_since(session: Session, after: int) -> set[tuple[int | None, int]]:
    rows = session.exec(select(AccessLog).where(col(AccessLog.id) > after)).all()
    return {(row.user_id, row.client_id) for row in rows}


# A form's CSRF token is random text: now and then it holds an income's five digits.
_CSRF_TOKEN = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]*"')


def _clients_shown(html: str, clients: list[Client]) -> set[int]:
    """The clients whose reference or exact income is on a page."""
    html = _CSRF_TOKEN.sub(r'\1"', html)
    return {c.id for c in clients if c.id is not None and (
        c.reference in html or any(text in html for text in _income_texts(c.annual_income)))}


def _income_texts(income: int) -> list[str]:
    """How an income may be written: 16137, 16.137 (Dutch) and 16,137 (English)."""
    return [str(income), f"{income:,}", f"{income:,}".replace(",", ".")]


def test_every_page_that_shows_clients_logs_the_reads_for_the_reader(
    app: Flask, reference: Session, world: World, users: dict[str, User],
    browsers: dict[str, FlaskClient],
):
    session, ids, c = reference, world.ids, world.clients
    pages = [  # (user, address, the clients it must log at least)
        ("care_provider", f"/clienten/{c['waiting'].id}", {"waiting"}),
        ("care_provider", f"/clienten/{c['waiting'].id}/wijzigen", {"waiting"}),
        ("care_provider", "/clienten", {"waiting", "referral", "housed"}),
        ("matcher", f"/clienten/{c['other'].id}", {"other"}),
        ("matcher", "/clienten", {"waiting", "other", "referral"}),
        ("corporation", f"/corporatie/voorstellen/{ids['proposal']}", {"round_a", "round_b"}),
        ("matcher", f"/matcher/woningen/{ids['submitted_dwelling']}", {"waiting", "other"}),
        ("matcher", f"/matcher/woningen/{ids['submitted_dwelling']}?client={c['housed'].id}",
         {"waiting", "other", "housed"}),
        ("matcher", f"/matcher/woningen/{ids['round_dwelling']}", {"round_a", "round_b"}),
        ("matcher", "/matcher/aanmeldingen", {"referral"}),
        ("matcher", "/matcher/aanbiedingen", {"offered"}),
        ("matcher", f"/matcher/aanbiedingen/{ids['offered_dwelling']}", {"offered"}),
    ]
    missing = []
    for user, url, names in pages:
        before = _last_log_id(session)
        response = browsers[user].get(url)
        assert response.status_code == 200, (user, url, response.status_code)
        logged = _logged_since(session, before)
        reader = users[user].id
        not_logged = sorted(n for n in names if (reader, c[n].id) not in logged)
        if not_logged:
            missing.append((url, user, not_logged))
        other_readers = {u for u, _ in logged} - {reader}
        assert not other_readers, f"{url} logged reads for other users: {other_readers}"
    assert not missing, "pages that show clients without logging the read " + (
        "(address, user, clients):\n" + "\n".join(map(str, missing)))


def _may_see(user: User, client: Client) -> bool:
    """The matcher sees every client, a care provider its own, nobody else any."""
    return user.role == "matcher" or (
        user.role == "care_provider" and client.care_provider_id == user.organisation_id)


def test_no_page_shows_a_client_it_should_not_or_without_logging_the_read(
    app: Flask, reference: Session, world: World, users: dict[str, User],
    browsers: dict[str, FlaskClient],
):
    """The systematic half: every page of every role, whatever it chooses to show. Lists
    too: another organisation's clients and dwellings appear on none of them."""
    session, clients = reference, list(world.clients.values())
    by_id = {c.id: c for c in clients}
    urls = []
    for rule in _get_rules(app):
        found = _id_page(rule)
        if found is not None:
            urls.append(_fill(rule, world.ids[found[1]]))
        elif not ANY_PARAMETER.search(rule):
            urls.append(rule)
    unlogged, foreign = [], []
    opened = {user: 0 for user in USERS}
    showing = {user: 0 for user in USERS}
    for user in USERS:
        for url in urls:
            before = _last_log_id(session)
            response = browsers[user].get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            opened[user] += 1
            html = response.get_data(as_text=True)
            shown = _clients_shown(html, clients)
            showing[user] += bool(shown)
            logged = {client for reader, client in _logged_since(session, before)
                      if reader == users[user].id}
            if shown - logged:
                unlogged.append((url, user, sorted(shown - logged)))
            foreign += [(url, user, f"client {i}") for i in sorted(shown)
                        if not _may_see(users[user], by_id[i])]
            if user == "other_corporation":
                foreign += [(url, user, a) for a in world.addresses if a in html]
    # The sweep looked at pages, not at refusals only: every user opened many, and those who
    # may see clients saw them on several (a page is skipped unless it answered 200).
    assert all(n >= MIN_PAGES_OPENED for n in opened.values()), str(opened)
    assert all(showing[u] >= MIN_PAGES_SHOWING_CLIENTS for u in USERS
               if u in ("matcher", "care_provider")), showing
    assert not unlogged, "pages that show clients without logging the read " + (
        "(address, user, client ids):\n" + "\n".join(map(str, unlogged)))
    assert not foreign, "pages that show another organisation's clients or dwellings " + (
        "(address, user, what):\n" + "\n".join(map(str, foreign)))


# --- the analyst -----------------------------------------------------------------------------


def _texts_of(response: TestResponse) -> str:
    """A page's text, or every part of an XLSX download (a zip of XML files)."""
    data = response.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(book.read(name).decode("utf-8", "replace")
                             for name in book.namelist())
    return data.decode("utf-8", "replace")


def test_no_analyst_page_shows_a_client_reference_or_exact_income(
    app: Flask, reference: Session, world: World, browsers: dict[str, FlaskClient],
):
    analyst = browsers["analyst"]
    quarter = str(reference.exec(select(func.max(Dwelling.quarter))).one()
                  or quarter_of(local_date(utcnow())))
    urls = [rule for rule in _get_rules(app) if not ANY_PARAMETER.search(rule)]
    urls += [f"/rapportages?kwartaal={quarter}", f"/rapportages/{quarter}.csv",
             f"/rapportages/{quarter}.xlsx", f"/rapportages/jaar?jaar={quarter[:4]}",
             f"/rapportages/jaar/{quarter[:4]}.csv", f"/rapportages/jaar/{quarter[:4]}.xlsx"]
    opened, leaks = [], []
    for url in urls:
        response = analyst.get(url)
        if response.status_code != 200:
            continue
        opened.append(url)
        text = _texts_of(response)
        for client in world.clients.values():
            if client.reference in text:
                leaks.append((url, client.reference))
            leaks += [(url, income) for income in _income_texts(client.annual_income)
                      if income in text]
    assert {"/rapportages", f"/rapportages/{quarter}.csv", f"/rapportages/{quarter}.xlsx",
            "/rapportages/jaar", f"/rapportages/jaar/{quarter[:4]}.csv",
            f"/rapportages/jaar/{quarter[:4]}.xlsx"} <= set(opened), opened
    # The report is about this quarter's dwellings, so it really had something to show.
    assert reference.exec(select(func.count()).select_from(Lease)).one() >= 1
    assert reference.exec(select(func.count()).select_from(Proposal)).one() >= 3
    assert not leaks, f"the analyst sees client details (address, text): {leaks}"
