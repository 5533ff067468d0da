"""The form posts of each role's main journey, for benchmarks/web.py.

A person fills a form the way a browser does: it opens the page, reads the form's hidden
fields (the CSRF token among them) from the HTML, adds what it types and the button it
presses, posts, and opens the page the answer redirects to. Each post is timed under its own
name (`POST /dwellings (submit)`), and so is the page it leads to (`-> /...`). A post counts
as an error when it answers 400 or more, when it does not redirect, or when the page it leads
to shows an error message or is the sign-in page; a journey that cannot find its form or its
link counts as an error of its first post. A journey that finds no work (no round waiting for
a decision, no referral to approve) is skipped: the other people may have done it already.
"""

from __future__ import annotations

import html
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import requests

_FORM = re.compile(r'<form\b([^>]*)>(.*?)</form>', re.S)
_ATTRIBUTE = re.compile(r'([a-z_-]+)="([^"]*)"')
_HIDDEN = re.compile(r'<input\b[^>]*type="hidden"[^>]*>')
_ERROR_ALERT = 'utrecht-alert--error'
_SAID = re.compile(r'(?:error-message|alert--error)"[^>]*>([^<]+)<')


class JourneyError(Exception):
    """The page did not offer what the journey needs, or a post was refused (`recorded`:
    the error is in the figures already)."""

    def __init__(self, message: str, *, recorded: bool = False) -> None:
        super().__init__(message)
        self.recorded = recorded


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]]
    buttons: list[tuple[str, str]]


def forms(page: str, here: str = "") -> list[Form]:
    """The forms of a page at `here`: their action (a form without one posts to its page),
    hidden fields and named buttons."""
    found = []
    for attributes, body in _FORM.findall(page):
        action = html.unescape(dict(_ATTRIBUTE.findall(attributes)).get("action", "")) or here
        fields = []
        for tag in _HIDDEN.findall(body):
            named = dict(_ATTRIBUTE.findall(tag))
            if "name" in named:
                fields.append((named["name"], html.unescape(named.get("value", ""))))
        buttons = [(name, value) for name, value in re.findall(
            r'<button\b[^>]*name="([^"]+)"[^>]*value="([^"]*)"', body)]
        found.append(Form(action, fields, buttons))
    return found


def form_to(page: str, action: re.Pattern[str], button: tuple[str, str] | None = None,
            here: str = "") -> Form:
    for form in forms(page, here):
        if action.fullmatch(form.action) and (button is None or button in form.buttons):
            return form
    raise JourneyError(f"no form to {action.pattern} on the page")


class Claims:
    """The items people have taken, so two people never decide the same round at once."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._lock = threading.Lock()
        # Matchers propose one after the other, as a team shares its queue: two proposals at
        # once would pick the same top clients, and the second would rightly be refused.
        self.proposing = threading.Lock()

    def first_free(self, candidates: list[str]) -> str | None:
        with self._lock:
            for candidate in candidates:
                if candidate not in self._taken:
                    self._taken.add(candidate)
                    return candidate
        return None


@dataclass
class Person:
    base: str
    role: str
    browser: requests.Session
    record: Callable[[str, float, bool], None]
    label: Callable[[str, str], str]
    claims: Claims
    number: int
    done: int = 0

    def get(self, path: str) -> str:
        answer = self.browser.get(f"{self.base}{path}", timeout=30, allow_redirects=False)
        if answer.status_code != 200:
            raise JourneyError(f"GET {path} answered {answer.status_code}")
        return answer.text

    def post(self, name: str, form: Form, typed: list[tuple[str, str]] | None = None,
             button: tuple[str, str] | None = None, changed: str | None = None) -> str:
        """Post the form, open the page it redirects to; time both; return that page. A
        refusal (422) showing the text `changed` is what the page must answer when someone
        changed what the form was based on: it is timed as `name (changed)`, not an error,
        and its page returned (with `changed` in front)."""
        data = [*form.fields, *(typed or []), *([button] if button else [])]
        started = time.perf_counter()
        try:
            answer = self.browser.post(f"{self.base}{form.action}", data=data, timeout=30,
                                       allow_redirects=False)
        except requests.RequestException as error:
            self.record(self.label(self.role, name), time.perf_counter() - started, False)
            raise JourneyError(f"{name}: {error}", recorded=True) from error
        target = answer.headers.get("Location", "")
        if changed is not None and answer.status_code == 422 and changed in answer.text:
            self.record(self.label(self.role, f"{name} (changed)"),
                        time.perf_counter() - started, True)
            return changed + answer.text
        ok = answer.status_code in (200, 302, 303) and (
            answer.status_code == 200 or (bool(target) and "/aanmelden" not in target))
        self.record(self.label(self.role, name), time.perf_counter() - started, ok)
        if not ok:
            said = "; ".join(html.unescape(text) for text in _SAID.findall(answer.text))
            raise JourneyError(f"{name} answered {answer.status_code} {target} {said}",
                               recorded=True)
        if answer.status_code == 200:  # a confirmation page (or a refused form: checked below)
            return answer.text
        path = target.removeprefix(self.base)
        started = time.perf_counter()
        try:
            page = self.browser.get(f"{self.base}{path}", timeout=30, allow_redirects=False)
            ok = page.status_code == 200 and _ERROR_ALERT not in page.text
        except requests.RequestException:
            ok, page = False, None
        self.record(self.label(self.role, f"-> {path.split('?')[0]}"),
                    time.perf_counter() - started, ok)
        if not ok or page is None:
            raise JourneyError(f"{name}: the page it leads to shows an error", recorded=True)
        return page.text

    def confirm(self, name: str, page: str, action: re.Pattern[str]) -> str:
        """The second step of an irreversible action: post the confirmation page's form."""
        if "bevestigd" not in page:
            self.record(self.label(self.role, name), 0.0, False)
            raise JourneyError(f"{name}: no confirmation page", recorded=True)
        return self.post(f"{name} (confirm)", form_to(page, action))

    def fail(self, name: str, error: Exception) -> None:
        """A journey that could not find its form counts as an error of its post."""
        print(f"{self.role} {name}: {error}", file=sys.stderr)
        if not getattr(error, "recorded", False):
            self.record(self.label(self.role, name), 0.0, False)


_NEW_DWELLING = re.compile(r"/corporatie/woningen/nieuw")
_SUBMIT = re.compile(r"/corporatie/woningen/\d+/voordragen")
_ROUND = re.compile(r'href="(/corporatie/voorstellen/\d+)"')
_DECIDE = re.compile(r"/corporatie/voorstellen/\d+/besluit")
_NEW_CLIENT = re.compile(r"/clienten/nieuw")
_APPROVE = re.compile(r"/matcher/aanmeldingen/\d+/goedkeuren")
_QUEUE_DWELLING = re.compile(r'href="(/matcher/woningen/\d+)"')
_PROPOSE = re.compile(r"/matcher/woningen/\d+/voorstellen")
_TOP_CHANGED = "u stelt anderen voor dan de bovenste suggesties"
_QUARTER_CSV = re.compile(r'href="(/rapportages/\d{4}Q[1-4]\.csv)"')


def corporation(person: Person) -> None:
    """Create a draft dwelling, submit it, and accept the first candidate of a round."""
    name = "POST /dwellings (create)"
    try:
        form = form_to(person.get("/corporatie/woningen/nieuw"), _NEW_DWELLING)
        available = (date.today() + timedelta(days=30)).isoformat()
        page = person.post(name, form, [
            ("address", f"Meetstraat {person.number}-{person.done}, Utrecht"),
            ("postcode", "3531 AB"), ("wijk", "West"), ("complex_code", ""), ("rooms", "2"),
            ("floor_area_m2", "48"), ("rent", "560,50"), ("floor", "1"), ("has_lift", "y"),
            ("designation", "uitstroom"), ("lease_type", "direct"),
            ("available_from", available)])
        name = "POST /dwellings (submit)"
        person.post(name, form_to(page, _SUBMIT))
    except JourneyError as error:
        person.fail(name, error)
    name = "POST /proposals (accept)"
    try:
        rounds = list(dict.fromkeys(_ROUND.findall(person.get("/corporatie/voorstellen"))))
        chosen = person.claims.first_free(rounds)
        if chosen is None:
            return  # no round waits for this corporation now
        page = person.get(chosen)
        accept = next((f for f in forms(page) if _DECIDE.fullmatch(f.action)
                       and ("decision", "accept") in f.buttons), None)
        if accept is None:
            return  # decided already (an earlier run of the journey)
        asked = person.post(name, accept, button=("decision", "accept"))
        person.confirm(name, asked, _DECIDE)
    except JourneyError as error:
        person.fail(name, error)


def care_provider(person: Person) -> None:
    """Register a client."""
    name = "POST /clients (register)"
    try:
        form = form_to(person.get("/clienten/nieuw"), _NEW_CLIENT, here="/clienten/nieuw")
        person.post(name, form, [
            ("reference", f"MEET-{person.number:02d}-{person.done:04d}"),
            ("target_group", "mobw_uitstroom"), ("adults", "1"), ("children", "0"),
            ("birth_year", "1985"), ("annual_income", "16000"), ("preferred_wijken", "Zuid"),
            ("flip_lease_ok", "y"), ("support_confirmed", "y"),
            ("registered_on", date.today().isoformat())])
    except JourneyError as error:
        person.fail(name, error)


def matcher(person: Person) -> None:
    """Approve a referred client, and propose the top suggestions for a waiting dwelling."""
    name = "POST /clients (approve)"
    try:
        page = person.get("/matcher/aanmeldingen")
        free = person.claims.first_free(
            [f.action for f in forms(page) if _APPROVE.fullmatch(f.action)])
        if free is not None:
            person.post(name, form_to(page, re.compile(re.escape(free))))
    except JourneyError as error:
        person.fail(name, error)
    name = "POST /dwellings (propose)"
    with person.claims.proposing:
        _propose(person, name)


def _propose(person: Person, name: str) -> None:
    try:
        queue = list(dict.fromkeys(_QUEUE_DWELLING.findall(person.get("/matcher/wachtrij"))))
        chosen = person.claims.first_free(queue)
        if chosen is None:
            return
        page = person.get(chosen)
        form = next((f for f in forms(page) if _PROPOSE.fullmatch(f.action)
                     and any(field == "client_ids" for field, _ in f.fields)), None)
        if form is None:  # no eligible client for this dwelling: nothing to propose
            return
        page = person.post(name, form, changed=_TOP_CHANGED)
        if page.startswith(_TOP_CHANGED):
            # Someone housed or approved a client in between, so the top suggestions changed:
            # the page shows the new ones, and the matcher proposes those.
            form = form_to(page, _PROPOSE, here=chosen)
            if not any(field == "client_ids" for field, _ in form.fields):
                raise JourneyError("no suggestions left after the change")
            person.post(name, form)
    except JourneyError as error:
        person.fail(name, error)


def analyst(person: Person) -> None:
    """Download the quarter's report as CSV."""
    name = "GET /reports.csv (download)"
    try:
        found = _QUARTER_CSV.search(person.get("/rapportages"))
        if found is None:
            raise JourneyError("no CSV download on the reports page")
        started = time.perf_counter()
        answer = person.browser.get(f"{person.base}{html.unescape(found.group(1))}",
                                    timeout=60, allow_redirects=False)
        ok = (answer.status_code == 200 and "attachment" in answer.headers.get(
            "Content-Disposition", "") and len(answer.content) > 0)
        person.record(person.label(person.role, name), time.perf_counter() - started, ok)
    except JourneyError as error:
        person.fail(name, error)


JOURNEYS: dict[str, Callable[[Person], None]] = {
    "corporation": corporation, "care_provider": care_provider, "matcher": matcher,
    "analyst": analyst,
}
