"""The supply pages: the release schedule a peak notification leads to, the supply filtering
report, and the refusal of a submission by a landlord without agreements (page and API)."""

from decimal import Decimal
from io import BytesIO

from sqlmodel import Session, select

from matching.models import Notification, Organisation, YearParameter
from matching.services.dwellings import create_dwelling, submit_dwelling
from matching.services.users import create_api_token
from tests.factories import DwellingData, make_user
from tests.web.conftest import csrf_token, sign_in

PRIVATE = "Particuliere verhuurder Eendrachtlaan"


def _peak(reference: Session, users, count: int = 3):  # type: ignore[no-untyped-def]
    """`count` earmarked dwellings of one project above a threshold of 2."""
    row = reference.get(YearParameter, (2019, "submission_peak_threshold"))
    assert row is not None
    row.value = Decimal(2)
    reference.commit()
    leger = reference.exec(select(Organisation.id).where(
        Organisation.name == "Leger des Heils")).one()
    made = []
    for _ in range(count):
        dwelling = create_dwelling(reference, data=DwellingData(
            complex_code="Defensieterrein", earmarked_care_provider_ids=[leger]),
            actor=users["corporation"])
        made.append(submit_dwelling(reference, dwelling_id=dwelling.id,
                                    actor=users["corporation"]))
    return made


def test_the_peak_notification_leads_the_agency_to_the_release_schedule(reference, users,
                                                                       signed_in):
    made = _peak(reference, users)
    [notification] = reference.exec(select(Notification).where(
        Notification.user_id == users["matcher"].id)).all()
    matcher = signed_in("matcher")
    response = matcher.get(f"/meldingen/{notification.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"/matcher/woningen/{made[2].id}/vrijgaveschema")
    page = matcher.get(response.location).get_data(as_text=True)
    assert "Vrijgaveschema: Defensieterrein" in page
    assert "Piek: 3 open woningen van dit project" in page
    assert "Leger des Heils" in page and 'id="vrijgaveschema"' in page


def test_the_release_schedule_is_the_agencys_and_the_owners(reference, users, signed_in):
    made = _peak(reference, users, count=1)
    path = f"/matcher/woningen/{made[0].id}/vrijgaveschema"
    assert signed_in("corporation").get(path).status_code == 200
    assert signed_in("other_corporation").get(path).status_code == 404
    assert signed_in("care_provider").get(path).status_code == 403
    assert signed_in("matcher").get("/matcher/woningen/999999/vrijgaveschema").status_code == 404


def test_the_supply_report_counts_a_quarter_and_an_uploaded_file(reference, users,
                                                                  signed_in):
    _peak(reference, users, count=2)
    analyst = signed_in("analyst")
    page = analyst.get("/rapportages/aanbod")
    assert page.status_code == 200 and "Geschikt aanbod" in page.get_data(as_text=True)
    quarter = analyst.get("/rapportages/aanbod?kwartaal=2019Q3")
    # the dwellings were submitted today: whichever quarter that is, 2019Q3 is a valid ask
    assert quarter.status_code == 200 and 'id="aanbodfilter"' in quarter.get_data(as_text=True)
    assert analyst.get("/rapportages/aanbod?kwartaal=2019Q9").status_code == 422
    shown = analyst.get("/rapportages/aanbod?kwartaal=K3 2019")  # as the pages write it
    assert shown.status_code == 200 and "Voorgedragen woningen K3 2019" in shown.get_data(
        as_text=True)

    token = csrf_token(analyst, "/rapportages/aanbod")
    good = (b"rooms;floor_area_m2;rent;senior_label\n2;48;560,00;nee\n5;70;560;nee\n"
            b"2;48;560;ja\n")
    answer = analyst.post("/rapportages/aanbod", data={
        "csrf_token": token, "year": "2019", "file": (BytesIO(good), "leeg.csv")},
        content_type="multipart/form-data")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200, text
    assert "Van 3 vrijgekomen woningen naar het geschikte aanbod" in text
    assert "(33.3%)" in text

    bad = b"rooms,floor_area_m2,rent\n2,48,560\ntwee,48,560\n"
    refused = analyst.post("/rapportages/aanbod", data={
        "csrf_token": token, "year": "2019", "file": (BytesIO(bad), "fout.csv")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "Rij 3: kamers en woonoppervlakte" in refused.get_data(as_text=True)
    assert signed_in("care_provider").get("/rapportages/aanbod").status_code == 403
    assert signed_in("corporation").get("/rapportages/aanbod").status_code == 403


def test_a_landlord_without_agreements_is_refused_on_the_page_and_in_the_api(reference, app):
    landlord = make_user(reference, PRIVATE, "corporation")
    draft = create_dwelling(reference, data=DwellingData(), actor=landlord)
    browser = app.test_client()
    assert sign_in(browser, landlord).status_code == 302
    shown = browser.get(f"/corporatie/woningen/{draft.id}").get_data(as_text=True)
    assert "Voordragen aan Het Vierde Huis" not in shown  # no button that can only fail
    assert "Bied de woning aan via WoningNet" in shown
    token = csrf_token(browser, f"/corporatie/woningen/{draft.id}")
    page = browser.post(f"/corporatie/woningen/{draft.id}/voordragen",
                        data={"csrf_token": token})
    assert page.status_code == 422
    assert "geen prestatieafspraken" in page.get_data(as_text=True)

    bearer = create_api_token(reference, user=landlord)
    answer = app.test_client().post(f"/api/v1/dwellings/{draft.id}/submit",
                                    headers={"Authorization": f"Bearer {bearer}"})
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert "geen prestatieafspraken; aanbieden via WoningNet" in error["fields"][
        "corporation_id"]
    state = app.test_client().get(f"/api/v1/dwellings/{draft.id}",
                                  headers={"Authorization": f"Bearer {bearer}"})
    assert state.get_json()["state"] == "draft"


def test_the_administrator_sets_the_agreements_on_the_organisation_page(reference, users,
                                                                          signed_in):
    private_id = reference.exec(select(Organisation.id).where(
        Organisation.name == PRIVATE)).one()
    admin = signed_in("admin")
    path = f"/beheer/organisaties/{private_id}"
    page = admin.get(path).get_data(as_text=True)
    assert "nee: verhuurt via WoningNet, mag geen woningen voordragen" in page
    token = csrf_token(admin, path)
    answer = admin.post(f"{path}/prestatieafspraken", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.location.endswith(path)
    reference.expire_all()
    assert reference.get(Organisation, private_id).has_agreements is True
    lister = users["care_provider"].organisation_id
    refused = admin.post(f"/beheer/organisaties/{lister}/geen-prestatieafspraken",
                         data={"csrf_token": token})
    assert refused.status_code == 302
    reference.expire_all()
    assert reference.get(Organisation, lister).has_agreements is True
    matcher = signed_in("matcher")
    assert matcher.post(f"{path}/geen-prestatieafspraken", data={
        "csrf_token": csrf_token(matcher, "/profiel")}).status_code == 403
