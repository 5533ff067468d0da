"""Corporation hotels and the municipality of origin on the pages: the client form and page,
the upload, and the agency's one-time-offer list (clearly marked, every read logged)."""

import io
from datetime import date

from sqlmodel import col, func, select

from matching.models import AccessLog, Client
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, submit_dwelling
from tests.factories import ClientData, DwellingData
from tests.web.conftest import csrf_token

HEADER = ("referentie;doelgroep;volwassenen;kinderen;geboortejaar;jaarinkomen;aanmelddatum;"
          "corporatiehotel;in corporatiehotel sinds;gemeente van herkomst")


def _upload(browser, content: bytes):
    data = {"file": (io.BytesIO(content), "clienten.csv"),
            "csrf_token": csrf_token(browser, "/clienten/uploaden")}
    return browser.post("/clienten/uploaden", data=data, content_type="multipart/form-data")


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Client)).one()


def test_an_upload_with_a_family_of_four_for_the_family_hotel_saves_nothing(reference,
                                                                           signed_in):
    browser = signed_in("care_provider")
    refused = _upload(browser, "\n".join([
        HEADER,
        "LIS-H1;corporatiehotel;1;0;1985;16000;01-06-2019;alleenstaanden;01-08-2018;Zeist",
        "LIS-H2;corporatiehotel;2;2;1985;16000;01-06-2019;gezin;01-08-2018;Utrecht",
    ]).encode())
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Er is niets opgeslagen." in page and "corporatiehotel" in page
    assert _count(reference) == 0

    accepted = _upload(browser, "\n".join([
        HEADER,
        "LIS-H1;corporatiehotel;1;0;1985;16000;01-06-2019;alleenstaanden;01-08-2018;zeist",
        "LIS-H2;corporatiehotel;1;2;1985;16000;01-06-2019;gezin;01-08-2018;Utrecht",
        "LIS-H3;mobw_uitstroom;1;0;1985;16000;01-06-2019;;;",
    ]).encode())
    assert accepted.status_code == 302
    rows = {c.reference: (c.hotel_kind, c.hotel_stay_since and c.hotel_stay_since.isoformat(),
                          c.origin_municipality) for c in reference.exec(select(Client))}
    assert rows == {"LIS-H1": ("single", "2018-08-01", "Zeist"),
                    "LIS-H2": ("family", "2018-08-01", "Utrecht"),
                    "LIS-H3": (None, None, None)}


def test_the_form_registers_a_hotel_client_and_the_agency_sees_the_one_time_offer(reference,
                                                                                 signed_in):
    provider = signed_in("care_provider")
    form = provider.get("/clienten/nieuw").get_data(as_text=True)
    assert "Gemeente van herkomst" in form and "In het corporatiehotel sinds" in form
    fields = {
        "reference": "LIS-H9", "target_group": "corporatiehotel", "adults": "2",
        "children": "2", "birth_year": "1985", "annual_income": "16000",
        "registered_on": "2019-06-01", "origin_municipality": "Houten",
        "hotel_kind": "family", "hotel_stay_since": "2018-08-01",
        "csrf_token": csrf_token(provider, "/clienten/nieuw"),
    }
    refused = provider.post("/clienten/nieuw", data=fields)
    assert refused.status_code == 422
    assert "Het gezinshotel neemt ten hoogste 3 personen op" in refused.get_data(as_text=True)
    assert _count(reference) == 0

    made = provider.post("/clienten/nieuw", data={**fields, "children": "1"})
    assert made.status_code in (302, 303)
    client = reference.exec(select(Client)).one()
    assert (client.origin_municipality, client.hotel_kind) == ("Houten", "family")
    page = provider.get(f"/clienten/{client.id}").get_data(as_text=True)
    assert "Houten" in page and "Eenmalig aanbod" in page  # the stay began in 2018

    matcher = signed_in("matcher")
    queue = matcher.get("/matcher/wachtrij").get_data(as_text=True)
    assert 'id="eenmalig-aanbod-melding"' in queue and "/matcher/eenmalig-aanbod" in queue
    listed = matcher.get("/matcher/eenmalig-aanbod")
    assert listed.status_code == 200
    text = listed.get_data(as_text=True)
    assert "LIS-H9" in text and "badge--one-time-offer" in text
    logged = reference.exec(select(AccessLog).where(
        AccessLog.client_id == client.id, col(AccessLog.purpose) == "one-time offer list")).all()
    assert len(logged) == 1 and "hotel_stay_since" in logged[0].fields_touched
    assert signed_in("care_provider").get("/matcher/eenmalig-aanbod").status_code in (403, 404)


def test_a_hotel_client_due_a_one_time_offer_is_marked_among_the_suggestions(reference, users,
                                                                            signed_in):
    due = register_client(reference, data=ClientData(
        reference="LIS-H7", target_group="corporatiehotel", hotel_kind="single",
        hotel_stay_since=date(2018, 1, 1)), actor=users["care_provider"])
    other = register_client(reference, data=ClientData(reference="LIS-H8"),
                            actor=users["care_provider"])
    for client in (due, other):
        approve_client(reference, client_id=client.id, actor=users["matcher"])
    dwelling = create_dwelling(reference, data=DwellingData(), actor=users["corporation"])
    submit_dwelling(reference, dwelling_id=dwelling.id, actor=users["corporation"])

    page = signed_in("matcher").get(f"/matcher/woningen/{dwelling.id}").get_data(as_text=True)
    rows = {ref: page.split(ref, 1)[1].split("</td>", 1)[0] for ref in ("LIS-H7", "LIS-H8")}
    assert "badge--one-time-offer" in rows["LIS-H7"]
    assert "badge--one-time-offer" not in rows["LIS-H8"]


def test_the_year_page_shows_the_hotel_outflow_the_origins_and_the_balance_deviation(
    reference, users, signed_in,
):
    register_client(reference, data=ClientData(reference="LIS-H5", origin_municipality="Zeist",
                                               registered_on=date(2018, 3, 1)),
                    actor=users["care_provider"])
    page = signed_in("matcher").get("/rapportages/jaar?jaar=2018").get_data(as_text=True)
    assert 'id="uitstroom-corporatiehotel"' in page and 'id="herkomst"' in page
    assert "Zeist" in page
    # 2018: 26.0%, four points under the guideline, more than the tolerance of 2.
    assert "badge--deviates" in page and "-4 procentpunt" in page
