"""The dwelling form and page for young adults: self-contained or a room, the SSH student
complex, the cap per complex on submitting, and the matcher's reason, in Dutch and English."""

from datetime import date

from sqlmodel import Session, select

from matching.models import Dwelling, Lease
from matching.services.clients import approve_client, register_client
from matching.services.dwellings import create_dwelling, submit_dwelling
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.factories import ClientData, DwellingData, make_user
from tests.web.conftest import csrf_token, sign_in

FORM = {
    "address": "Kanaalstraat 12, Utrecht", "postcode": "3531 ab", "wijk": "West",
    "complex_code": "", "rooms": "1", "floor_area_m2": "20", "rent": "411,00",
    "floor": "1", "designation": "uitstroom", "lease_type": "campus",
    "available_from": "2026-01-13",
}


def _in_english(client):  # type: ignore[no-untyped-def]
    client.post("/taal", data={"lang": "en", "csrf_token": csrf_token(client, "/profiel"),
                               "next": "/profiel"})
    return client


def _new(client, **changes):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/corporatie/woningen/nieuw")
    return client.post("/corporatie/woningen/nieuw",
                       data={**FORM, **changes, "csrf_token": token})


def _latest(session: Session) -> Dwelling:
    session.rollback()
    session.expire_all()
    return session.exec(select(Dwelling).order_by(Dwelling.id.desc())).first()  # type: ignore[union-attr]


def test_the_form_offers_self_contained_checked_and_a_student_complex_in_dutch(signed_in):
    page = signed_in("corporation").get("/corporatie/woningen/nieuw").get_data(as_text=True)
    assert "Zelfstandige woning" in page and "Studentencomplex (SSH)" in page
    assert 'id="self_contained" name="self_contained" type="checkbox" value="y"' in page
    box = page[page.index('id="self_contained"') - 200:page.index('id="self_contained"') + 200]
    assert "checked" in box


def test_a_room_in_a_student_complex_is_saved_and_shown(reference, signed_in):
    client = signed_in("corporation")
    response = _new(client, student_complex="  UITHOF-B ")  # self_contained left unticked
    assert response.status_code == 302, response.get_data(as_text=True)
    dwelling = _latest(reference)
    assert (dwelling.self_contained, dwelling.student_complex) == (False, "UITHOF-B")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zelfstandige woning" in page and "UITHOF-B" in page
    english = _in_english(client).get(response.headers["Location"]).get_data(as_text=True)
    assert "Self-contained dwelling" in english and "Student complex (SSH)" in english

    flat = _new(client, self_contained="y")
    assert flat.status_code == 302
    assert (_latest(reference).self_contained, _latest(reference).student_complex) == (True,
                                                                                       None)


def test_a_bad_student_complex_code_is_named_at_its_field_and_nothing_is_saved(reference,
                                                                              signed_in):
    client = signed_in("corporation")
    response = _new(client, student_complex="<script>")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="student_complex-error">Gebruik letters, cijfers, spaties en . _ / -.' in page
    reference.rollback()
    assert reference.exec(select(Dwelling)).first() is None


def test_submitting_in_a_complex_at_its_cap_says_which_complex_and_its_numbers(
    reference: Session, app, users
):
    ssh = make_user(reference, "SSH", "corporation")
    units = [create_dwelling(reference, data=DwellingData(student_complex="UITHOF-C"),
                             actor=ssh) for _ in range(7)]
    submit_dwelling(reference, dwelling_id=units[0].id, actor=ssh)
    client_row = register_client(reference, data=ClientData(), actor=users["care_provider"])
    approve_client(reference, client_id=client_row.id, actor=users["matcher"])
    reference.add(Lease(dwelling_id=units[0].id, client_id=client_row.id,
                        corporation_id=ssh.organisation_id, lease_type="campus",
                        start_on=date(2019, 9, 1)))
    reference.commit()
    web = app.test_client()
    sign_in(web, ssh)
    path = f"/corporatie/woningen/{units[1].id}"
    token = csrf_token(web, path)
    response = web.post(f"{path}/voordragen", data={"csrf_token": token})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert ("Studentencomplex UITHOF-C zit aan het maximum: 1 van de 7 zelfstandige woningen "
            "zijn verhuurd aan bijzondere doelgroepen, hoogstens 1 (15%) mag.") in page
    reference.rollback()
    reference.expire_all()
    assert reference.get(Dwelling, units[1].id).state == "draft"
    _in_english(web)
    english = web.post(f"{path}/voordragen", data={"csrf_token": csrf_token(web, path)})
    assert ("Student complex UITHOF-C is at its cap: 1 of its 7 self-contained units are let "
            "to special groups, at most 1 (15%) may be.") in english.get_data(as_text=True)


def test_the_matcher_sees_the_young_adult_reasons_and_the_dwelling_facts(reference, users,
                                                                         signed_in):
    year = local_date(utcnow()).year
    young = register_client(reference, data=ClientData(birth_year=year - 19,
                                                        annual_income=11520),
                            actor=users["care_provider"])
    approve_client(reference, client_id=young.id, actor=users["matcher"])
    room = create_dwelling(reference, data=DwellingData(rent="411.00", self_contained=False),
                           actor=users["corporation"])
    submit_dwelling(reference, dwelling_id=room.id, actor=users["corporation"])
    dear = create_dwelling(reference, data=DwellingData(rent="490.00"),
                           actor=users["corporation"])
    submit_dwelling(reference, dwelling_id=dear.id, actor=users["corporation"])
    matcher = signed_in("matcher")
    page = matcher.get(f"/matcher/woningen/{room.id}").get_data(as_text=True)
    assert "1 huur boven hun grens" in page
    assert "Zelfstandige woning" in page
    page = matcher.get(f"/matcher/woningen/{dear.id}").get_data(as_text=True)
    assert "1 geen recht op huurtoeslag (jongeren)" in page
    english = _in_english(matcher).get(f"/matcher/woningen/{dear.id}").get_data(as_text=True)
    assert "no housing-benefit eligibility (young adults)" in english
