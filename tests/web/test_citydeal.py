"""The agency records the Citydeal-overleg's nomination of a City Deal client from the
client's page; the contingents page shows the City Deal as its own contingent."""

import html
from datetime import UTC, datetime

from matching.models import Client
from matching.services.clients import register_client
from tests.factories import ClientData
from tests.web.conftest import csrf_token

PAGE = "/clienten/{}/citydeal-voordracht"


def _citydeal_client(session, users) -> Client:
    return register_client(session, data=ClientData(target_group="citydeal"),
                           actor=users["care_provider"], now=datetime(2019, 6, 1, 10, tzinfo=UTC))


def test_the_agency_records_a_nomination_from_the_client_s_page(reference, users, signed_in):
    client = _citydeal_client(reference, users)
    browser = signed_in("matcher")
    shown = browser.get(f"/clienten/{client.id}").get_data(as_text=True)
    assert PAGE.format(client.id) in shown
    token = csrf_token(browser, PAGE.format(client.id))
    future = browser.post(PAGE.format(client.id), data={"csrf_token": token,
                                                        "nominated_on": "2099-01-01"})
    assert future.status_code == 422
    assert "niet in de toekomst" in html.unescape(future.get_data(as_text=True))
    done = browser.post(PAGE.format(client.id), data={"csrf_token": token,
                                                      "nominated_on": "2019-07-02"})
    assert done.status_code == 303
    reference.expire_all()
    assert str(reference.get(Client, client.id).citydeal_nominated_on) == "2019-07-02"
    page = html.unescape(browser.get(f"/clienten/{client.id}").get_data(as_text=True))
    assert "ja, op 2 juli 2019" in page and PAGE.format(client.id) not in page
    again = browser.post(PAGE.format(client.id), data={"csrf_token": token,
                                                       "nominated_on": "2019-07-03"})
    # Refused with a message on the form's own page, the date as typed; nothing changes.
    assert again.status_code == 409 and again.request.path == PAGE.format(client.id)
    refused = html.unescape(again.get_data(as_text=True))
    assert "Deze voordracht kan niet worden vastgelegd" in refused
    assert 'value="2019-07-03"' in refused
    reference.expire_all()
    assert str(reference.get(Client, client.id).citydeal_nominated_on) == "2019-07-02"


def test_only_the_agency_records_nominations(reference, users, signed_in):
    client = _citydeal_client(reference, users)
    assert signed_in("care_provider").get(PAGE.format(client.id)).status_code == 403
    provider_page = signed_in("care_provider").get(f"/clienten/{client.id}").get_data(
        as_text=True)
    assert PAGE.format(client.id) not in provider_page
    assert "Voorgedragen door het Citydeal-overleg" in provider_page


def test_the_contingents_page_shows_the_citydeal_contingent(reference, users, signed_in):
    page = html.unescape(signed_in("matcher").get("/contingenten?jaar=2019")
                         .get_data(as_text=True))
    section = page.split('id="citydeal"')[1].split("</section>")[0]
    assert "City Deal 2019" in section and ">30<" in section
    assert "Plan van Aanpak 2019" in section
    english = signed_in("matcher")
    english.post("/taal", data={"lang": "en", "csrf_token": csrf_token(english, "/profiel")})
    assert "City Deal contingent in 2019" in html.unescape(
        english.get("/contingenten?jaar=2019").get_data(as_text=True))
