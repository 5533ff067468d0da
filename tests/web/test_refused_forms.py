"""Refused forms as GOV.UK and NL Design System do them, for the forms that once did not: the
answer is the form's own page (its address, or the way back to it), one error summary first on
the page linking to each field, the field's own message, and what the user typed still there.
A refusal that names no field (someone else changed the same thing first, or the client can no
longer be nominated) is said on that page too, with the input kept."""

import html
import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from matching.models import Client, Dwelling, Lease, Organisation
from matching.services.errors import Conflict
from matching.services.institution_flips import register_institution_flip
from matching.services.student_complexes import ComplexShare, StudentComplexFull
from tests.corporation_data import offer_accepted
from tests.matcher_setup import matched, submitted_dwelling, waiting_clients
from tests.second_factor import fresh_code
from tests.web.conftest import PASSWORD, csrf_token
from tests.web.returning import returned

CONFLICT = "Iemand anders heeft dit net gewijzigd"


def _page(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def _summary(page: str) -> str:
    """The page's one error summary, asserting it comes before the heading."""
    assert page.count('data-testid="error-summary"') == 1, "not exactly one error summary"
    assert page.index('data-testid="error-summary"') < page.index("<h1")
    return page.split('data-testid="error-summary"')[1].split("</div>")[0]


def _input(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


def _lose(*_args, **_kwargs):  # type: ignore[no-untyped-def]
    raise Conflict("someone else changed this record first; reload and try again")


# --- the sign-in code ---------------------------------------------------------------------------


def test_a_wrong_sign_in_code_heads_the_page_with_a_summary_linking_to_the_code(
    client: FlaskClient, users,
):
    admin = users["admin"]
    client.post("/aanmelden", data={"email": admin.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client, "/aanmelden")})
    wrong = f"{(int(fresh_code(admin)) + 1) % 1_000_000:06d}"
    response = client.post("/aanmelden/code", data={
        "code": wrong, "csrf_token": csrf_token(client, "/aanmelden/code")})
    assert response.status_code == 401 and response.request.path == "/aanmelden/code"
    page = _page(response)
    assert '<a href="#code">' in _summary(page)
    assert 'id="code-error">Deze code klopt niet of is al gebruikt.' in page
    recovery = client.post("/aanmelden/code", data={
        "recovery_code": "AAAA-BBBB-CCCC-DDDD",
        "csrf_token": csrf_token(client, "/aanmelden/code")})
    page = _page(recovery)
    assert '<a href="#recovery_code">' in _summary(page)
    assert 'value="AAAA-BBBB-CCCC-DDDD"' in _input(page, "recovery_code")


# --- the steering pages and the supply report: one summary, first on the page -----------------


def test_a_refused_rung_is_summed_up_first_on_the_page_not_beside_its_form(signed_in):
    admin = signed_in("admin")
    page = "/stuurcijfers?jaar=2025"
    response = admin.post("/stuurcijfers/trede", data={
        "jaar": "2025", "half": "2022H2", "rung": "4", "note": " ",
        "csrf_token": csrf_token(admin, page)})
    shown = _page(returned(admin, response, "/stuurcijfers"))
    summary = _summary(shown)
    assert "De trede is niet vastgelegd." in summary and '<a href="#note">' in summary
    assert 'id="note-error"' in shown
    for name, value in (("half", "2022H2"), ("rung", "4")):  # the choices made are kept
        select_ = shown.split(f'name="{name}"')[1].split("</select>")[0]
        assert re.search(rf'<option[^>]*selected[^>]*value="{value}"|'
                         rf'<option[^>]*value="{value}"[^>]*selected', select_), name


def test_refused_statushouder_inputs_have_one_summary_first_on_the_page(signed_in):
    matcher = signed_in("matcher")
    page = "/stuurcijfers/statushouders/2022H2"
    response = matcher.post(page, data={
        "extra_target": "veel", "source": "brief provincie",
        "csrf_token": csrf_token(matcher, page)})
    assert response.status_code == 422 and response.request.path == page
    shown = _page(response)
    summary = _summary(shown)
    assert "Er is niets opgeslagen." in summary and '<a href="#extra_target">' in summary
    assert 'id="extra_target-error"' in shown
    assert 'value="veel"' in _input(shown, "extra_target")
    assert 'value="brief provincie"' in _input(shown, "source")


def test_a_refused_supply_upload_has_one_summary_first_on_the_page(signed_in):
    analyst = signed_in("analyst")
    page = "/rapportages/aanbod"
    response = analyst.post(page, data={
        "year": "1999", "file": (BytesIO(b""), ""), "csrf_token": csrf_token(analyst, page)},
        content_type="multipart/form-data")
    assert response.status_code == 422 and response.request.path == page
    shown = _page(response)
    summary = _summary(shown)
    assert '<a href="#year">' in summary and '<a href="#file">' in summary
    assert 'id="year-error"' in shown
    assert 'value="1999"' in _input(shown, "year")


# --- a refusal without a field: said on the form's own page, the input kept ---------------------


def test_a_nomination_the_client_cannot_have_is_refused_on_the_form_with_the_date_kept(
    reference: Session, users, signed_in,
):
    client = waiting_clients(reference, users["care_provider"], users["matcher"], 1)[0]
    browser = signed_in("matcher")
    page = f"/clienten/{client.id}/citydeal-voordracht"  # not a City Deal client
    response = browser.post(page, data={"nominated_on": "2019-07-02",
                                        "csrf_token": csrf_token(browser, page)})
    assert response.status_code == 409 and response.request.path == page
    shown = _page(response)
    assert "Deze voordracht kan niet worden vastgelegd" in shown
    assert 'value="2019-07-02"' in _input(shown, "nominated_on")
    reference.expire_all()
    assert reference.get(Client, client.id).citydeal_nominated_on is None


def test_a_flip_the_client_no_longer_allows_is_refused_on_the_form_with_the_input_kept(
    reference: Session, users, signed_in,
):
    client = waiting_clients(reference, users["care_provider"], users["matcher"], 1,
                             first_wait=date(2019, 6, 1), registered_on=date(2019, 5, 1))[0]
    mitros = reference.exec(select(Organisation).where(Organisation.name == "Mitros")).one()
    browser = signed_in("care_provider")
    page = f"/clienten/{client.id}/instellingswoning-omgeklapt"
    token = csrf_token(browser, page)
    # Meanwhile the agency registered the flip: the client is housed.
    register_institution_flip(reference, client_id=client.id, corporation_id=mitros.id,
                              address="Instellingslaan 1, Utrecht", wijk="Zuid",
                              start_on=date(2019, 8, 1), actor=users["matcher"])
    response = browser.post(page, data={
        "corporation_id": str(mitros.id), "address": "Instellingslaan 4, Utrecht",
        "wijk": "Overvecht", "start": "2019-08-15", "bevestigd": "ja", "csrf_token": token})
    assert response.status_code == 409 and response.request.path == page
    shown = _page(response)
    assert "Dit kan nu niet" in shown
    assert 'value="Instellingslaan 4, Utrecht"' in _input(shown, "address")
    assert 'value="2019-08-15"' in _input(shown, "start")
    assert len(reference.exec(select(Lease)).all()) == 1


def test_letting_in_a_full_student_complex_returns_to_the_dwelling_with_the_dates_kept(
    reference: Session, users, signed_in, monkeypatch,
):
    made = offer_accepted(reference, corporation=users["corporation"],
                          provider=users["care_provider"], matcher=users["matcher"])

    def full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise StudentComplexFull(ComplexShare(code="UITHOF-C", units=7, let=1,
                                                 pct=Decimal(15)))

    monkeypatch.setattr("matching.web.dwelling_actions.let_dwelling", full)
    browser = signed_in("corporation")
    page = f"/corporatie/woningen/{made.dwelling.id}"
    response = browser.post(f"{page}/verhuren", data={
        "lease_start": "2026-02-01", "lease_type": "direct", "bevestigd": "ja",
        "csrf_token": csrf_token(browser, page)})
    shown = _page(returned(browser, response, page, summary=False))
    assert "Studentencomplex UITHOF-C zit aan het maximum" in shown
    assert 'value="2026-02-01"' in _input(shown, "lease_start")
    reference.expire_all()
    assert reference.get(Dwelling, made.dwelling.id).state == "offer_accepted"


@pytest.mark.parametrize(("service", "page", "data", "kept"), [
    ("matching.web.admin_reason_codes.create_reason_code", "/beheer/redencodes/nieuw",
     {"code": "te_klein", "kind": "landlord", "label_nl": "Te klein", "label_en": "Too small"},
     'value="Te klein"'),
    ("matching.web.admin_reason_codes.update_reason_code",
     "/beheer/redencodes/location_unsuitable/wijzigen",
     {"label_nl": "Buurt past niet", "label_en": "Area unsuitable"}, 'value="Buurt past niet"'),
    ("matching.web.admin_parameters.set_year_parameter", "/beheer/jaarparameters",
     {"year": "2026", "name": "instroom_share_pct", "value": "31", "source": "besluit B&W"},
     'value="besluit B&amp;W"'),
])
def test_an_administrators_form_that_loses_a_race_keeps_its_input(
    signed_in, monkeypatch, service, page, data, kept,
):
    monkeypatch.setattr(service, _lose)
    admin = signed_in("admin")
    response = admin.post(page, data={**data, "csrf_token": csrf_token(admin, page)})
    assert response.status_code == 409 and response.request.path == page
    shown = response.get_data(as_text=True)
    assert CONFLICT in html.unescape(shown)
    assert kept in shown


def test_a_new_user_that_loses_a_race_keeps_the_address_typed(reference, signed_in,
                                                              monkeypatch):
    monkeypatch.setattr("matching.web.admin_users.create_user", _lose)
    agency = reference.exec(select(Organisation).where(
        Organisation.name == "Het Vierde Huis")).one()
    admin = signed_in("admin")
    page = "/beheer/gebruikers/nieuw"
    response = admin.post(page, data={"email": "nieuw@example.org", "role": "matcher",
                                      "organisation": str(agency.id),
                                      "csrf_token": csrf_token(admin, page)})
    assert response.status_code == 409 and response.request.path == page
    shown = response.get_data(as_text=True)
    assert CONFLICT in html.unescape(shown)
    assert 'value="nieuw@example.org"' in _input(shown, "email")


def test_a_rename_that_loses_a_race_keeps_the_name_typed(reference, signed_in, monkeypatch):
    monkeypatch.setattr("matching.web.admin_organisations.rename_organisation", _lose)
    lister = reference.exec(select(Organisation).where(Organisation.name == "Lister")).one()
    admin = signed_in("admin")
    page = f"/beheer/organisaties/{lister.id}"
    response = admin.post(page, data={"name": "Lister Utrecht",
                                      "csrf_token": csrf_token(admin, page)})
    assert response.status_code == 409 and response.request.path == page
    assert 'value="Lister Utrecht"' in _input(response.get_data(as_text=True), "name")


def test_a_button_that_loses_a_race_lands_on_its_page_not_on_a_405(
    users, signed_in, monkeypatch,
):
    monkeypatch.setattr("matching.web.admin_users.set_user_active", _lose)
    admin = signed_in("admin")
    page = f"/beheer/gebruikers/{users['matcher'].id}"
    response = admin.post(f"{page}/deactiveren", data={"csrf_token": csrf_token(admin, page)})
    assert response.status_code == 303 and response.location.endswith(page)
    shown = admin.get(page)
    assert shown.status_code == 200 and CONFLICT in _page(shown)


def test_a_new_client_that_loses_a_race_keeps_what_was_typed(signed_in, monkeypatch):
    monkeypatch.setattr("matching.services.clients.register_client", _lose)
    browser = signed_in("care_provider")
    page = "/clienten/nieuw"
    response = browser.post(page, data={
        "reference": "LIS-RACE-1", "target_group": "mobw_uitstroom", "adults": "1",
        "children": "0", "birth_year": "1985", "annual_income": "16000",
        "registered_on": "2019-06-01", "csrf_token": csrf_token(browser, page)})
    assert response.status_code == 409 and response.request.path == page
    shown = response.get_data(as_text=True)
    assert CONFLICT in html.unescape(shown)
    assert 'value="LIS-RACE-1"' in _input(shown, "reference")


def test_a_new_dwelling_that_loses_a_race_keeps_what_was_typed(signed_in, monkeypatch):
    monkeypatch.setattr("matching.web.dwellings.create_dwelling", _lose)
    browser = signed_in("corporation")
    page = "/corporatie/woningen/nieuw"
    response = browser.post(page, data={
        "address": "Kanaalstraat 12, Utrecht", "postcode": "3531 AB", "wijk": "West",
        "rooms": "2", "floor_area_m2": "48", "rent": "560,50", "floor": "1",
        "designation": "uitstroom", "lease_type": "direct", "available_from": "2026-01-13",
        "csrf_token": csrf_token(browser, page)})
    assert response.status_code == 409 and response.request.path == page
    shown = response.get_data(as_text=True)
    assert CONFLICT in html.unescape(shown)
    assert 'value="Kanaalstraat 12, Utrecht"' in _input(shown, "address")


def test_notification_choices_that_lose_a_race_stay_chosen(signed_in, monkeypatch):
    monkeypatch.setattr("matching.web.notifications.set_mail_preferences", _lose)
    browser = signed_in("corporation")
    page = "/profiel/meldingen"
    response = browser.post(page, data={"round_opened": "none", "language": "en",
                                        "csrf_token": csrf_token(browser, page)})
    assert response.status_code == 409 and response.request.path == page
    shown = response.get_data(as_text=True)
    assert CONFLICT in html.unescape(shown)
    chosen = re.search(r'<input[^>]*name="round_opened"[^>]*value="none"[^>]*>', shown)
    assert chosen and "checked" in chosen.group(0)


# --- the offer's answer: radio groups from the shared macro -------------------------------------


def test_a_decline_without_its_reasons_links_to_each_radio_group_and_keeps_the_answer(
    reference: Session, users, signed_in,
):
    clients = waiting_clients(reference, users["care_provider"], users["matcher"], 3)
    dwelling = submitted_dwelling(reference, users["corporation"])
    matched(reference, users["corporation"], dwelling, clients, users["matcher"])
    browser = signed_in("matcher")
    page = f"/matcher/aanbiedingen/{dwelling.id}"
    response = browser.post(page, data={"answer": "declined", "motivation": "te ver weg",
                                        "csrf_token": csrf_token(browser, page)})
    assert response.status_code == 422 and response.request.path == page
    shown = _page(response)
    summary = _summary(shown)
    assert '<a href="#reason_code">' in summary and '<a href="#valid-0">' in summary
    assert 'id="valid-error"' in shown and 'id="valid-0"' in shown
    declined = re.search(r'<input[^>]*name="answer"[^>]*value="declined"[^>]*>', shown)
    assert declined and "checked" in declined.group(0)
    assert "utrecht-radio-button" in declined.group(0)  # the design system's radio button
    assert "te ver weg</textarea>" in shown
    reference.expire_all()
    assert reference.get(Dwelling, dwelling.id).state == "matched"


# --- no Ctrl-click multi-selects -----------------------------------------------------------------


def test_no_template_draws_a_multi_select():
    """Every choice of several is a group of checkboxes: no template writes a multiple
    select, and no multi-choice field is drawn with WTForms' own widget (a select list)."""
    from pathlib import Path

    from flask_wtf import FlaskForm
    from wtforms import SelectMultipleField

    import matching.web as web

    templates = Path(web.__file__).parent / "templates"
    names = set()
    for module in Path(web.__file__).parent.glob("*.py"):
        __import__(f"matching.web.{module.stem}")
    for form in _subclasses(FlaskForm):
        for name, value in vars(form).items():
            if getattr(value, "field_class", None) is not None and issubclass(
                    value.field_class, SelectMultipleField):
                names.add(name)
    assert names >= {"excluded_wijken", "preferred_wijken", "earmarked_care_provider_ids",
                     "client_ids"}
    for path in templates.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<select[^>]*multiple", text), path
        for name in names:
            assert not re.search(rf"\.{name}\(", text), (path, name)


def _subclasses(cls):  # type: ignore[no-untyped-def]
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
