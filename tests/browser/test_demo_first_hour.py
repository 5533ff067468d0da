"""The first hour, per role: a newcomer takes a login `make run` printed (the text `matching seed
demo` prints) on a freshly seeded demo built up to today, and finds a live year: this quarter
with submissions, no round far past its deadline except the one the demo makes overdue, and
this year's contingents set."""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from matching.demo import build_demo
from matching.workdays import local_date
from tests.browser.conftest import LiveSite, screenshot

pytestmark = pytest.mark.slow

# The demo's one overdue round is late by days, not by the months of a demo living in the past.
FEW_WORKING_DAYS = 10


class DemoSite(LiveSite):
    """The application on a database with the demo built up to today, and what it printed."""

    def __init__(self, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
        super().__init__(tmp_path, tmp_path_factory)
        self.printed = build_demo(self.session).summary()

    def logins(self) -> dict[str, tuple[str, str]]:
        """The printed login per role: role -> (e-mail address, password)."""
        password = re.search(r"password for all: (\S+)\)", self.printed)
        assert password, self.printed
        rows = re.findall(r"^\s+(\S+@demo\.example)\s+(\w+)\s", self.printed, re.MULTILINE)
        return {role: (email, password.group(1)) for email, role in rows}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    live = DemoSite(tmp_path_factory.mktemp("demo-site"), tmp_path_factory)
    yield live
    live.close()


@pytest.fixture
def demo_page(browser: Browser, demo_site: DemoSite) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL",
                                  base_url=demo_site.url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _sign_in_as_printed(page: Page, site: DemoSite, role: str) -> None:
    email, password = site.logins()[role]
    page.goto("/aanmelden")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_load_state()
    assert "/aanmelden" not in page.url, f"the printed login for {role} does not sign in"


def _this_quarter_labels() -> tuple[str, ...]:
    today = local_date_now()
    number = (today.month - 1) // 3 + 1
    return (f"K{number} {today.year}", f"{today.year}Q{number}", f"{today.year}-Q{number}")


def local_date_now() -> date:
    from matching.vocabulary import utcnow

    return local_date(utcnow())


def _figure(page: Page, label: str) -> int:
    """The number shown beside `label` in a row of figures."""
    figure = page.locator(".figure").filter(has=page.get_by_text(label, exact=True)).first
    return int(re.sub(r"\D", "", figure.locator(".figure__value").inner_text()) or "0")


def test_the_corporation_finds_this_quarter_under_way_and_no_round_long_overdue(
        demo_page: Page, demo_site: DemoSite):
    _sign_in_as_printed(demo_page, demo_site, "corporation")
    demo_page.goto("/corporatie/kwartaal")
    heading = demo_page.get_by_role("heading", level=1).inner_text()
    assert any(label in heading for label in _this_quarter_labels()), heading
    assert _figure(demo_page, "voorgedragen") > 0  # this quarter has submissions already
    demo_page.goto("/corporatie/voorstellen")
    late = [int(re.sub(r"\D", "", text)) for text in
            demo_page.get_by_text(re.compile(r"werkdagen? te laat")).all_inner_texts()]
    assert len(late) <= 1 and all(days <= FEW_WORKING_DAYS for days in late), late
    screenshot(demo_page, "demo-first-hour-corporation")


def test_the_matcher_finds_exactly_one_round_overdue_and_this_years_contingents(
        demo_page: Page, demo_site: DemoSite):
    _sign_in_as_printed(demo_page, demo_site, "matcher")
    demo_page.goto("/matcher/te-laat")
    rows = demo_page.locator("#te-laat tbody tr.overdue")
    expect(rows).to_have_count(1)
    days_late = int(rows.first.locator("td.late").inner_text())
    assert 0 < days_late <= FEW_WORKING_DAYS
    demo_page.goto("/contingenten")
    expect(demo_page.get_by_role("heading", level=1)).to_contain_text(
        str(local_date_now().year))
    expect(demo_page.get_by_role("button", name="Standaardcontingenten vaststellen")) \
        .to_have_count(0)
    shares = demo_page.locator("#contingenten tbody tr td.num:nth-of-type(1)").all_inner_texts()
    assert shares and sum(int(re.sub(r"\D", "", s) or "0") for s in shares) > 0
    screenshot(demo_page, "demo-first-hour-matcher")


def test_the_care_provider_finds_its_contingent_for_this_year(
        demo_page: Page, demo_site: DemoSite):
    _sign_in_as_printed(demo_page, demo_site, "care_provider")
    demo_page.goto("/contingent")
    expect(demo_page.get_by_role("heading", level=1)).to_contain_text(
        str(local_date_now().year))
    assert _figure(demo_page, "contingent") > 0
    screenshot(demo_page, "demo-first-hour-care-provider")


def test_the_analyst_opens_the_dashboard_on_this_quarter(demo_page: Page, demo_site: DemoSite):
    _sign_in_as_printed(demo_page, demo_site, "analyst")
    demo_page.goto("/dashboard")
    heading = demo_page.get_by_role("heading", level=1).inner_text()
    assert any(label in heading for label in _this_quarter_labels()), heading
    screenshot(demo_page, "demo-first-hour-analyst")


def test_the_admin_sets_up_a_second_factor_and_finds_the_other_users(
        demo_page: Page, demo_site: DemoSite):
    _sign_in_as_printed(demo_page, demo_site, "admin")
    expect(demo_page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    secret = demo_page.get_by_test_id("secret").inner_text().replace(" ", "")
    demo_page.get_by_label("Code uit uw app").fill(pyotp.TOTP(secret).now())
    demo_page.get_by_label("Code uit uw app").press("Enter")
    demo_page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    # The printed text sends the newcomer here for the users of the other organisations.
    assert "/beheer/gebruikers" in demo_site.printed
    demo_page.goto("/beheer/gebruikers")
    expect(demo_page.get_by_role("heading", name="Gebruikers")).to_be_visible()
    listed = demo_page.get_by_text(re.compile(r"@demo\.example")).count()
    assert listed > len(demo_site.logins())  # more than the printed logins
    screenshot(demo_page, "demo-first-hour-admin")
