"""The administrator's pages through the test client: who may see them, forms without CSRF
tokens, users, organisations, reason codes and year parameters as an administrator sees
them."""

import re

import pytest
from flask import url_for
from sqlmodel import Session, select

from matching.db import get_engine
from matching.models import (
    ApiToken,
    Organisation,
    ReasonCode,
    User,
    UserSession,
    YearParameter,
)
from matching.services.users import create_api_token
from tests.web.conftest import csrf_token, sign_in

OTHER_ROLES = ["corporation", "matcher", "care_provider", "analyst"]


def _admin_rules(app, users, reference):  # type: ignore[no-untyped-def]
    """(method, url) of every admin page and action, with real objects in the path."""
    mitros = reference.exec(select(Organisation).where(Organisation.name == "Mitros")).one()
    token = create_api_token(reference, user=users["corporation"])
    token_id = reference.exec(select(ApiToken.id).where(ApiToken.token_hash != token)).first()
    sample = {
        "user_id": users["corporation"].id, "organisation_id": mitros.id, "code": "other",
        "year": 2019, "name": "mobw_task", "token_id": token_id,
    }
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("admin."):
                continue
            url = url_for(rule.endpoint, **{a: sample[a] for a in rule.arguments})
            found += [(method, url) for method in ("GET", "POST") if method in rule.methods]
    assert len(found) >= 15
    return found


def _state(database_url: str) -> tuple:
    """Everything an admin action could change, read on a fresh session."""
    with Session(get_engine(database_url)) as session:
        return tuple(
            sorted(repr(row.model_dump()) for row in session.exec(select(model)))
            for model in (Organisation, User, ReasonCode, YearParameter, ApiToken, UserSession)
        )


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_admin_page_and_action_is_forbidden_to_other_roles(
    app, users, reference, signed_in, role
):
    client = signed_in(role)
    token = csrf_token(client, "/profiel")
    for method, url in _admin_rules(app, users, reference):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 403, (method, url)


def test_admin_pages_send_an_anonymous_visitor_to_sign_in(client, users):
    for url in ("/beheer/gebruikers", "/beheer/organisaties", "/beheer/redencodes",
                "/beheer/jaarparameters"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/aanmelden" in response.headers["Location"]


def test_every_admin_post_without_csrf_token_is_refused_and_changes_nothing(
    app, users, reference, signed_in, database_url
):
    client = signed_in("admin")
    posts = [url for method, url in _admin_rules(app, users, reference) if method == "POST"]
    before = _state(database_url)
    for url in posts:
        response = client.post(url, data={
            "name": "Nieuwe naam", "kind": "agency", "email": "x@example.org",
            "organisation": "1", "role": "admin", "code": "nieuw", "label_nl": "a",
            "label_en": "b", "year": "2019", "value": "999",
        })
        assert response.status_code == 400, url
        assert "Formulier verlopen" in response.get_data(as_text=True)
    assert _state(database_url) == before


def test_the_menu_leads_an_administrator_to_the_four_admin_pages(signed_in):
    page = signed_in("admin").get("/beheer/gebruikers").get_data(as_text=True)
    for text in ("Gebruikers", "Organisaties", "Redencodes", "Jaarparameters"):
        assert f">{text}</a>" in page


# --- users ----------------------------------------------------------------------------------


def _organisation_id(reference, name: str) -> int:  # type: ignore[no-untyped-def]
    return reference.exec(select(Organisation.id).where(Organisation.name == name)).one()


def _new_user(client, reference, **values):  # type: ignore[no-untyped-def]
    data = {
        "email": "nieuw@example.org", "organisation": _organisation_id(reference, "Mitros"),
        "role": "corporation", "csrf_token": csrf_token(client, "/beheer/gebruikers/nieuw"),
    }
    data.update(values)
    return client.post("/beheer/gebruikers/nieuw", data=data)


def _password_on(page: str) -> str:
    match = re.search(r'data-testid="new-password">([^<]+)<', page)
    assert match, "no password shown"
    return match.group(1)


def test_an_administrator_creates_a_user_who_signs_in_with_the_password_shown_once(
    app, signed_in, reference
):
    admin = signed_in("admin")
    response = _new_user(admin, reference, contingent_manager="y")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Gebruiker aangemaakt" in page and "één keer" in page
    password = _password_on(page)
    created = reference.exec(select(User).where(User.email == "nieuw@example.org")).one()
    assert (created.role, created.contingent_manager) == ("corporation", True)
    assert password not in admin.get(f"/beheer/gebruikers/{created.id}").get_data(as_text=True)
    newcomer = app.test_client()
    assert sign_in(newcomer, created, password=password).status_code == 302


def test_a_role_that_does_not_fit_the_organisation_is_shown_at_the_role_field(
    signed_in, reference
):
    response = _new_user(signed_in("admin"), reference, role="matcher")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(
        r'<div class="utrecht-form-field-error-message[^"]*" id="role-error">([^<]+)</div>', page)
    assert error, "no error at the role field"
    assert "past niet bij een corporatie" in error.group(1)
    assert "corporatie, beheerder" in error.group(1)
    assert 'id="password"' not in page and "data-testid=\"new-password\"" not in page
    assert reference.exec(select(User).where(User.email == "nieuw@example.org")).first() is None


def test_an_email_address_in_use_is_shown_at_the_email_field(signed_in, reference, users):
    response = _new_user(signed_in("admin"), reference, email=users["matcher"].email.upper())
    assert response.status_code == 422
    assert re.search(r'id="email-error">Er is al een gebruiker', response.get_data(as_text=True))


def test_a_user_form_without_an_organisation_is_refused_at_that_field(signed_in, reference):
    response = _new_user(signed_in("admin"), reference, organisation="")
    assert response.status_code == 422
    assert 'id="organisation-error"' in response.get_data(as_text=True)


def _post_action(client, url: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, "/beheer/gebruikers")})


def test_a_deactivated_users_next_request_is_sent_to_sign_in(signed_in, users, reference):
    matcher = signed_in("matcher")
    assert matcher.get("/profiel").status_code == 200
    create_api_token(reference, user=users["matcher"])
    admin = signed_in("admin")
    response = _post_action(admin, f"/beheer/gebruikers/{users['matcher'].id}/deactiveren")
    assert response.status_code == 302
    assert "gedeactiveerd" in admin.get(response.headers["Location"]).get_data(as_text=True)
    again = matcher.get("/profiel")
    assert again.status_code == 302 and "/aanmelden" in again.headers["Location"]
    assert sign_in(matcher, users["matcher"]).status_code == 401
    token = reference.exec(select(ApiToken).where(ApiToken.user_id == users["matcher"].id)).one()
    reference.refresh(token)
    assert token.revoked_at is not None  # the API no longer takes their token either


def test_a_reactivated_user_can_sign_in_again(app, signed_in, users, reference):
    admin = signed_in("admin")
    _post_action(admin, f"/beheer/gebruikers/{users['analyst'].id}/deactiveren")
    # The deactivation took: the row says so and the sign-in is refused.
    reference.expire_all()
    assert reference.get(User, users["analyst"].id).active is False
    assert sign_in(app.test_client(), users["analyst"]).status_code == 401
    _post_action(admin, f"/beheer/gebruikers/{users['analyst'].id}/activeren")
    reference.expire_all()
    assert reference.get(User, users["analyst"].id).active is True
    assert sign_in(app.test_client(), users["analyst"]).status_code == 302


def test_an_administrator_cannot_deactivate_themselves(signed_in, users, reference):
    admin = signed_in("admin")
    response = _post_action(admin, f"/beheer/gebruikers/{users['admin'].id}/deactiveren")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "U kunt uzelf niet deactiveren." in page
    assert admin.get("/beheer/gebruikers").status_code == 200
    reference.expire_all()
    assert reference.get(User, users["admin"].id).active is True


def test_a_reset_password_makes_the_old_one_fail_and_the_new_one_work(app, signed_in, users):
    corporation = signed_in("corporation")
    admin = signed_in("admin")
    response = _post_action(admin, f"/beheer/gebruikers/{users['corporation'].id}/wachtwoord")
    assert response.status_code == 200
    password = _password_on(response.get_data(as_text=True))
    assert corporation.get("/profiel").status_code == 302  # the old session ended too
    assert sign_in(app.test_client(), users["corporation"]).status_code == 401
    assert sign_in(app.test_client(), users["corporation"], password=password).status_code == 302


def test_an_administrator_revokes_a_users_api_token(signed_in, users, reference):
    create_api_token(reference, user=users["care_provider"])
    owner = users["care_provider"].id
    token = reference.exec(select(ApiToken).where(ApiToken.user_id == owner)).one()
    admin = signed_in("admin")
    url = f"/beheer/gebruikers/{users['care_provider'].id}/tokens/{token.id}/intrekken"
    response = _post_action(admin, url)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Het token is ingetrokken." in page
    reference.refresh(token)
    assert token.revoked_at is not None
    other = f"/beheer/gebruikers/{users['matcher'].id}/tokens/{token.id}/intrekken"
    assert _post_action(admin, other).status_code == 404


def test_the_user_list_filters_and_pages(signed_in, users, reference):
    admin = signed_in("admin")
    lister = _organisation_id(reference, "Lister")
    page = admin.get(f"/beheer/gebruikers?organisatie={lister}").get_data(as_text=True)
    assert users["care_provider"].email in page and users["matcher"].email not in page
    page = admin.get("/beheer/gebruikers?rol=analyst").get_data(as_text=True)
    assert users["analyst"].email in page and users["corporation"].email not in page
    page = admin.get("/beheer/gebruikers?per_page=2&page=2").get_data(as_text=True)
    assert "Pagina 2 van 4" in page
    assert admin.get("/beheer/gebruikers?page=x&organisatie=y&status=z").status_code == 200
    assert admin.get("/beheer/gebruikers/99999").status_code == 404


def test_the_admin_pages_also_open_in_english(signed_in):
    admin = signed_in("admin")
    admin.post("/taal", data={"lang": "en", "csrf_token": csrf_token(admin, "/beheer/gebruikers"),
                              "next": "/beheer/gebruikers"})
    for url in ("/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/organisaties",
                "/beheer/redencodes", "/beheer/jaarparameters?jaar=2021"):
        response = admin.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.get_data(as_text=True)
