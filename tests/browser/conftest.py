"""Browser tests: the application served on a free port, driven by Debian's Chromium through
Playwright, with axe-core (from npm, see package.json) checking each main page.

Chromium is never downloaded: it is the system's /usr/bin/chromium (`.ci/run` and `make test`
install it with apt). Screenshots land in tests/browser/screenshots/ (ignored by git).
"""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import Session
from werkzeug.serving import make_server

from matching.config import Settings
from matching.db import get_engine
from matching.models import User
from matching.web import create_app
from tests.conftest import _sqlite_copy
from tests.factories import make_user
from tests.second_factor import enrol, fresh_code

HERE = Path(__file__).parent
SCREENSHOTS = HERE / "screenshots"
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("MATCHING_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery"

# Flags that keep Chromium from reaching out to the network it does not have here.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveSite:
    """The application served on a fresh SQLite database with the reference data."""

    def __init__(self, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
        # A copy of the worker's template database, which holds the schema and reference data.
        self.database_url = _sqlite_copy(tmp_path / "browser.sqlite", reference=True,
                                         tmp_path_factory=tmp_path_factory)
        self.session = Session(get_engine(self.database_url), expire_on_commit=False)
        app = create_app(
            Settings(database_url=self.database_url, secret_key="browser-test", env="development")
        )
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def user(self, organisation: str, role: str, *, second_factor: bool | None = None) -> User:
        """A user; an administrator with an authenticator app unless `second_factor` is
        False (administrators must have one: see tests/second_factor.py)."""
        user = make_user(self.session, organisation, role)
        if second_factor if second_factor is not None else role == "admin":
            enrol(self.session, user)
        return user

    def close(self) -> None:
        self.server.shutdown()
        self.session.close()
        get_engine(self.database_url).dispose()


@pytest.fixture
def site(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    live = LiveSite(tmp_path, tmp_path_factory)
    yield live
    live.close()


@pytest.fixture
def page(browser: Browser, site: LiveSite) -> Iterator[Page]:
    """A fresh browser context (own cookies) on a laptop-sized screen."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="nl-NL", base_url=site.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, user: User, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would, with the keyboard."""
    page.goto("/aanmelden")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_load_state()
    if page.url.endswith("/aanmelden/code"):
        page.get_by_label("Code uit uw app").fill(fresh_code(user))
        page.get_by_label("Code uit uw app").press("Enter")
        page.wait_for_load_state()
    assert "/aanmelden" not in page.url, "sign-in failed"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()


def check_accessibility(page: Page) -> None:
    """Run axe-core on the current page; fail on any moderate, serious or critical violation
    (minor ones are matters of taste). Axe's best practices run too: landmarks with the same
    label, headings out of order or content outside every landmark are moderate findings that
    no WCAG-tagged rule reports. It waits for the page's stylesheets first: checked while
    one was still loading (slow under load), a badge had the design system's colours
    without the site's darker pairs, and failed the contrast rule."""
    page.wait_for_load_state("load")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: tags})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("moderate", "serious", "critical")
    ]
    assert not bad, f"accessibility problems on {page.url}:\n" + "\n".join(bad)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def axe() -> Callable[[Page], None]:
    return check_accessibility
