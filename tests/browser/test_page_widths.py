"""Every main page of every role on a phone (390 px) and on a laptop (1366 px): the page never
scrolls sideways (a wide table scrolls inside its own region instead) and axe finds nothing
moderate or worse. One site and one sign-in per role keep the run short; all problems are
reported at once, so one run shows every page that needs work."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from matching.models import User
from matching.services.leases import let_dwelling
from tests.browser.conftest import LiveSite, check_accessibility, screenshot, sign_in
from tests.corporation_data import offer_accepted, open_round
from tests.matcher_setup import matched, referral, submitted_dwelling, waiting_clients

WIDTHS = {"phone": 390, "laptop": 1366}

# The widest element that sticks out past the right edge, named so a failure says where.
WIDEST_CULPRIT = """(limit) => {
  let worst = null;
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    const right = el.getBoundingClientRect().right;
    if (right > limit + 1 && (!worst || right > worst.right)) {
      worst = {right: Math.round(right), name: el.tagName.toLowerCase()
        + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className) : '')};
    }
  }
  return worst ? `${worst.name} reaches ${worst.right} px` : 'no single element';
}"""


class Demo:
    """One of each thing a page can show, made through the services, and the people."""

    def __init__(self, site: LiveSite) -> None:
        session = site.session
        self.corporation = site.user("Mitros", "corporation")
        self.provider = site.user("Lister", "care_provider")
        self.matcher = site.user("Het Vierde Huis", "matcher")
        self.matcher.contingent_manager = True
        session.add(self.matcher)
        session.commit()
        self.analyst = site.user("Gemeente Utrecht", "analyst")
        self.admin = site.user("Het Vierde Huis", "admin")
        people = {"corporation": self.corporation, "provider": self.provider,
                  "matcher": self.matcher}
        self.clients = waiting_clients(session, self.provider, self.matcher, 6)
        referral(session, self.provider, self.clients[0].registered_on)
        # A dwelling waiting for a round: its page lists the engine's suggestions.
        self.queued = submitted_dwelling(session, self.corporation, submitted_days_ago=2,
                                         address="Burgemeester Reigerstraat 112 bis, Utrecht")
        self.round = open_round(session, **people, count=3)
        offered = submitted_dwelling(session, self.corporation, submitted_days_ago=5)
        matched(session, self.corporation, offered, self.clients[4:6], self.matcher, days=3)
        self.offered = offered
        let = offer_accepted(session, **people, lease_type="flip")
        self.lease = let_dwelling(session, dwelling_id=let.dwelling.id, lease_type="flip",
                                  lease_start=let.dwelling.available_from,
                                  actor=self.corporation)

    def pages(self) -> dict[str, tuple[User, list[str]]]:
        """Each role's menu pages, then the detail pages it works on."""
        dwelling, proposal = self.round.dwelling.id, self.round.proposal.id
        lease = f"/huurcontracten/{self.lease.id}"
        return {
            "corporation": (self.corporation, [
                "/corporatie/kwartaal", "/corporatie/woningen", "/corporatie/voorstellen",
                "/huurcontracten", f"/corporatie/woningen/{dwelling}",
                f"/corporatie/voorstellen/{proposal}", "/corporatie/woningen/nieuw", lease]),
            "matcher": (self.matcher, [
                "/matcher/wachtrij", "/matcher/aanmeldingen", "/matcher/aanbiedingen",
                "/matcher/te-laat", "/contingenten", "/huurcontracten", "/dashboard",
                "/stuurcijfers", f"/matcher/woningen/{self.queued.id}",
                f"/matcher/woningen/{dwelling}", f"/matcher/rondes/{proposal}",
                f"/matcher/aanbiedingen/{self.offered.id}", lease, "/meldingen", "/profiel",
                "/planning", "/rapportages/aanbod",
                f"/clienten/{self.clients[1].id}/instellingswoning-omgeklapt"]),
            "care_provider": (self.provider, [
                "/clienten", "/contingent", "/huurcontracten",
                f"/clienten/{self.clients[0].id}", "/clienten/nieuw", lease,
                f"/clienten/{self.clients[1].id}/instellingswoning-omgeklapt"]),
            "analyst": (self.analyst, ["/rapportages", "/dashboard", "/rapportages/jaar",
                                       "/rapportages/aanbod"]),
            "admin": (self.admin, [
                "/beheer/gebruikers", "/beheer/organisaties", "/beheer/redencodes",
                "/beheer/jaarparameters", "/stuurcijfers", "/planning",
                f"/beheer/gebruikers/{self.corporation.id}",
                f"/beheer/organisaties/{self.corporation.organisation_id}"]),
        }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveSite, Demo]]:
    site = LiveSite(tmp_path_factory.mktemp("widths"), tmp_path_factory)
    yield site, Demo(site)
    site.close()


def _problems_at(page: Page, path: str, width: int) -> list[str]:
    """What is wrong with `path` at `width` px: an error page, a sideways scroll, axe."""
    response = page.goto(path)
    if response is None or response.status != 200:
        return [f"{path} at {width} px: status {response and response.status}"]
    found = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprit = page.evaluate(WIDEST_CULPRIT, width)
        found.append(f"{path} at {width} px scrolls sideways to {scroll_width} px: {culprit}")
    try:
        check_accessibility(page)
    except AssertionError as problem:
        found.append(f"{path} at {width} px: {problem}")
    return found


def _visit_all(browser: Browser, site: LiveSite, role: str, user: User | None,
               paths: list[str]) -> list[str]:
    """Sign in once, then every page at both widths; the first page is screenshotted."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nl-NL",
                                  base_url=site.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if user is not None:
        sign_in(page, user)
    else:
        # The public pages: those named, and whatever the site's footer links to.
        page.goto(paths[0])
        links = page.locator("footer a[href^='/']").evaluate_all(
            "anchors => anchors.map(a => a.pathname)")
        paths = paths + [link for link in links if link not in paths]
    problems = []
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 844 if width < 800 else 768})
        for path in paths:
            problems += _problems_at(page, path, width)
            if path == paths[0]:
                screenshot(page, f"widths-{role}-{label}")
    context.close()
    return problems


@pytest.mark.parametrize("role", ["public", "corporation", "matcher", "care_provider",
                                  "analyst", "admin"])
def test_every_main_page_fits_a_phone_and_a_laptop_without_sideways_scroll_and_passes_axe(
    browser: Browser, demo: tuple[LiveSite, Demo], role: str
) -> None:
    site, made = demo
    # (The API reference for developers is left out: axe alone takes seconds on it.)
    user, paths = (None, ["/", "/aanmelden"]) if role == "public" else made.pages()[role]
    problems = _visit_all(browser, site, role, user, paths)
    assert not problems, "\n".join(problems)


def test_the_suggestions_scroll_in_a_named_region_the_keyboard_reaches_on_a_phone_only(
    browser: Browser, demo: tuple[LiveSite, Demo]
) -> None:
    site, made = demo
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL",
                                  base_url=site.url)
    page = context.new_page()
    sign_in(page, made.matcher)
    page.goto(f"/matcher/woningen/{made.queued.id}")
    region = page.get_by_role("region", name="Suggesties, de hoogste score eerst")
    expect(region).to_have_attribute("tabindex", "0")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    # On a laptop the table fits: no scrolling, so no extra stop in the tab order.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.reload()
    table = page.get_by_role("table", name="Suggesties, de hoogste score eerst")
    expect(table).to_be_visible()
    assert table.evaluate("t => t.parentElement.getAttribute('tabindex')") is None
    context.close()
