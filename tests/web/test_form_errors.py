"""Forms as GOV.UK and NL Design System do them, as a user notices: a refused form shows an
error summary first on the page that takes the focus and links to each field, at the form's
own address; several choices are a group of checkboxes, not a Ctrl-click list."""

import re
from html.parser import HTMLParser

from sqlmodel import Session, select

from matching.models import Client
from matching.services.clients import register_client
from tests.factories import ClientData
from tests.web.conftest import csrf_token


def _client_form(**changes):  # type: ignore[no-untyped-def]
    data = {
        "reference": "LIS-2019-001", "target_group": "mobw_uitstroom", "adults": "1",
        "children": "0", "birth_year": "1985", "annual_income": "16000",
        "needs": ["ground_floor"], "excluded_wijken": ["Overvecht", "Zuid"],
        "preferred_wijken": ["West"], "registered_on": "2019-06-01",
    }
    data.update(changes)
    return data


class _Elements(HTMLParser):
    """Every start tag's attributes, in page order, with the tag name under '_tag'."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append({"_tag": tag, **dict(attrs)})


def _elements(page: str) -> list[dict[str, str | None]]:
    parser = _Elements()
    parser.feed(page)
    return parser.elements


def test_a_refused_form_opens_with_a_focused_summary_linking_to_each_field(signed_in):
    browser = signed_in("care_provider")
    token = csrf_token(browser, "/clienten/nieuw")
    response = browser.post("/clienten/nieuw", data=_client_form(
        csrf_token=token, reference="Jan Jansen", adults="9", registered_on=""))
    # The page is answered at the form's own address, not a redirect elsewhere.
    assert response.status_code == 422 and response.request.path == "/clienten/nieuw"
    page = response.get_data(as_text=True)
    elements = _elements(page)
    summaries = [e for e in elements if e.get("data-testid") == "error-summary"]
    assert len(summaries) == 1
    summary = summaries[0]
    # Focus goes to it without script: autofocus on an element that can take focus.
    assert "autofocus" in summary and summary.get("tabindex") == "-1"
    assert summary.get("role") == "alert"
    # It comes before the page's heading, so it is the first thing read.
    assert page.index('data-testid="error-summary"') < page.index("<h1")
    text = re.sub(r"\s+", " ", page.split('data-testid="error-summary"')[1].split("</div>")[0])
    assert "Niet opgeslagen: controleer de velden met een foutmelding." in text
    assert "Kies 1 tot en met 6." in text and "zonder spaties" in text
    links = re.findall(r'href="#([^"]+)"', text)
    assert links == ["reference", "adults", "registered_on"]
    ids = {e.get("id") for e in elements}
    for target in links:  # every link lands on a field of the form
        assert target in ids


def test_a_form_without_problems_has_no_summary(signed_in):
    page = signed_in("care_provider").get("/clienten/nieuw").get_data(as_text=True)
    assert "error-summary" not in page and "autofocus" not in page


def test_districts_are_checkbox_groups_with_a_legend_and_are_saved(reference: Session,
                                                                   signed_in):
    browser = signed_in("care_provider")
    page = browser.get("/clienten/nieuw").get_data(as_text=True)
    assert "<select multiple" not in page and "Ctrl" not in page
    elements = _elements(page)
    for name in ("excluded_wijken", "preferred_wijken", "needs"):
        boxes = [e for e in elements if e.get("name") == name]
        assert boxes, name
        assert all(e["_tag"] == "input" and e.get("type") == "checkbox" for e in boxes)
        # Each box has its own label: the label is part of the target.
        for box in boxes:
            assert re.search(f'<label class="[^"]*" for="{box["id"]}">', page)
    group = page.split('id="excluded_wijken"')[1].split("</fieldset>")[0]
    assert re.search(r'<legend class="[^"]*">Uitgesloten wijken</legend>', group)
    response = browser.post("/clienten/nieuw", data=_client_form(
        csrf_token=csrf_token(browser, "/clienten/nieuw")))
    assert response.status_code == 302
    client = reference.exec(select(Client).where(Client.reference == "LIS-2019-001")).one()
    assert sorted(client.excluded_wijken) == ["Overvecht", "Zuid"]
    assert client.preferred_wijken == ["West"]


def test_the_edit_form_ticks_the_districts_already_chosen(reference: Session, users,
                                                          signed_in):
    client = register_client(reference, data=ClientData(
        reference="LIS-0002", excluded_wijken=["Zuid"]), actor=users["care_provider"])
    page = signed_in("care_provider").get(f"/clienten/{client.id}/wijzigen").get_data(
        as_text=True)
    ticked = [e.get("value") for e in _elements(page)
              if e.get("name") == "excluded_wijken" and "checked" in e]
    assert ticked == ["Zuid"]


def test_the_dwelling_form_offers_care_providers_as_checkboxes(signed_in):
    page = signed_in("corporation").get("/corporatie/woningen/nieuw").get_data(as_text=True)
    boxes = [e for e in _elements(page) if e.get("name") == "earmarked_care_provider_ids"]
    assert boxes and all(e.get("type") == "checkbox" for e in boxes)
    assert "<select multiple" not in page
