"""The page that registers an institution dwelling flipped to a regular lease, from the
client's page, with its confirmation step; and the flip progress on the contingent pages."""

import html
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from matching.models import Client, Lease, Organisation
from matching.services.clients import register_client
from tests.factories import ClientData
from tests.web.confirming import confirm, confirmation_text
from tests.web.conftest import csrf_token

PAGE = "/clienten/{}/instellingswoning-omgeklapt"


def _client(session: Session, users, key: str = "care_provider", **data) -> Client:
    return register_client(session, data=ClientData(**data), actor=users[key],
                           now=datetime(2019, 6, 1, 10, tzinfo=UTC))


def _form(session: Session, browser, client: Client, **overrides) -> dict:
    mitros = session.exec(select(Organisation).where(Organisation.name == "Mitros")).one()
    data = {"csrf_token": csrf_token(browser, PAGE.format(client.id)),
            "corporation_id": str(mitros.id), "address": "Instellingslaan 4, Utrecht",
            "wijk": "Overvecht", "start": "2019-08-15"}
    data.update(overrides)
    return data


def test_the_care_provider_registers_a_flip_after_confirming(reference, users, signed_in):
    client = _client(reference, users)
    browser = signed_in("care_provider")
    shown = browser.get(f"/clienten/{client.id}").get_data(as_text=True)
    assert PAGE.format(client.id) in shown
    assert "Instellingswoning omgeklapt registreren" in shown
    asked = browser.post(PAGE.format(client.id), data=_form(reference, browser, client))
    text = confirmation_text(asked)
    assert "vanaf 15 augustus 2019 zelf huurder van Mitros in Instellingslaan 4, Utrecht " \
           "(Overvecht)" in text
    assert "omklapdoelstelling van 2019" in text
    assert reference.exec(select(Lease)).all() == []  # nothing happens before the confirm
    done = confirm(browser, asked)
    assert done.status_code == 303
    reference.expire_all()
    [lease] = reference.exec(select(Lease)).all()
    assert done.headers["Location"].endswith(f"/huurcontracten/{lease.id}")
    assert (lease.is_institution, lease.state, lease.client_id) == (True, "transferred",
                                                                    client.id)
    assert reference.get(Client, client.id).state == "housed"
    page = browser.get(done.headers["Location"]).get_data(as_text=True)
    assert "nu zelf de huurder" in html.unescape(page)
    # Housed: the client's page no longer offers it, and a second post is refused.
    assert PAGE.format(client.id) not in browser.get(f"/clienten/{client.id}").get_data(
        as_text=True)


def test_bad_fields_show_at_their_field_with_a_422_and_write_nothing(reference, users,
                                                                      signed_in):
    client = _client(reference, users)
    browser = signed_in("care_provider")
    for overrides, said in (({"wijk": "Atlantis"}, "wijk"), ({"address": ""}, "Vul het adres in"),
                            ({"start": "2019-01-01"}, "niet voor de aanmelding"),
                            ({"start": "gisteren"}, "geldige datum")):
        response = browser.post(PAGE.format(client.id),
                                data=_form(reference, browser, client, **overrides,
                                           bevestigd="ja"))
        assert response.status_code == 422, overrides
        page = html.unescape(response.get_data(as_text=True))
        assert 'data-testid="error-summary"' in page
        assert said.lower() in page.lower(), (overrides, said)
    assert reference.exec(select(Lease)).all() == []


def test_the_agency_may_and_another_provider_or_a_corporation_may_not(reference, users,
                                                                      signed_in):
    client = _client(reference, users)
    assert signed_in("matcher").get(PAGE.format(client.id)).status_code == 200
    assert signed_in("other_care_provider").get(PAGE.format(client.id)).status_code == 404
    assert signed_in("corporation").get(PAGE.format(client.id)).status_code == 403


def test_the_provider_s_contingent_page_shows_flip_progress_per_quarter(reference, users,
                                                                        signed_in):
    from matching.services.institution_flips import register_institution_flip

    mitros = reference.exec(select(Organisation).where(Organisation.name == "Mitros")).one()
    for start in (date(2019, 2, 1), date(2019, 8, 1), date(2019, 8, 2)):
        client = _client(reference, users, registered_on=date(2019, 1, 2))
        register_institution_flip(reference, client_id=client.id, corporation_id=mitros.id,
                                  address="Instellingslaan 1, Utrecht", wijk="Zuid",
                                  start_on=start, actor=users["care_provider"])
    page = html.unescape(signed_in("care_provider").get("/contingent?jaar=2019")
                         .get_data(as_text=True))
    assert 'id="omklap-instellingswoningen"' in page
    section = page.split('id="omklap-instellingswoningen"')[1].split("</section>")[0]
    # Lister: target 45 (seed), 3 flipped: one in Q1, two in Q3.
    cells = [cell.split(">")[-1] for cell in section.split("</td>")[:-1]]
    assert cells[:7] == ["45", "1", "0", "2", "0", "3", "42"]
    agency = html.unescape(signed_in("matcher").get("/contingenten?jaar=2019")
                           .get_data(as_text=True))
    assert 'id="omklap-instellingswoningen"' in agency and "De Tussenvoorziening" in agency
