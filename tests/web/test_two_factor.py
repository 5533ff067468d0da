"""The second factor and re-authentication in the pages: what a user, an administrator and
someone holding only a password would notice."""

import re

import pyotp
from flask.testing import FlaskClient
from sqlmodel import Session, select

from matching.models import User
from matching.services.two_factor import FREE_WRONG_CODES
from matching.web.sign_in_steps import RECENT
from tests.factories import make_user
from tests.second_factor import fresh_code
from tests.web.conftest import PASSWORD, csrf_token, sign_in


def _password_step(client: FlaskClient, user: User, next_page: str = ""):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/aanmelden")
    return client.post(f"/aanmelden{next_page}", data={
        "email": user.email, "password": PASSWORD, "csrf_token": token})


def _code_step(client: FlaskClient, code: str, field: str = "code"):  # type: ignore[no-untyped-def]
    return client.post("/aanmelden/code", data={
        field: code, "csrf_token": csrf_token(client, "/aanmelden/code")})


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _enrol_through_the_page(client: FlaskClient) -> tuple[str, list[str]]:
    """Set up the app on the enrolment page; return the secret and the recovery codes."""
    page = client.get("/profiel/tweestapsverificatie").get_data(as_text=True)
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = client.post("/profiel/tweestapsverificatie", data={
        "code": pyotp.TOTP(secret).now(),
        "csrf_token": csrf_token(client, "/profiel/tweestapsverificatie")})
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = re.findall(r"<code>([A-Z2-9-]{19})</code>", response.get_data(as_text=True))
    return secret, codes


def _signed_out(client: FlaskClient) -> None:
    client.post("/afmelden", data={"csrf_token": csrf_token(client, "/profiel")})


def _make_stale(client: FlaskClient) -> None:
    """Move the last confirmation of the password beyond the quarter of an hour."""
    with client.session_transaction() as cookie:
        cookie["confirmed_at"] -= int(RECENT.total_seconds()) + 60


# --- administrators must set up a second factor ---------------------------------------------


def test_an_administrator_without_a_second_factor_can_only_set_one_up(
    client: FlaskClient, reference: Session,
):
    admin = make_user(reference, "Het Vierde Huis", "admin")
    assert sign_in(client, admin).status_code == 302
    for page in ("/", "/beheer/gebruikers", "/beheer/organisaties", "/profiel"):
        response = client.get(page, follow_redirects=True)
        assert response.request.path == "/profiel/tweestapsverificatie", page
        assert "Als beheerder meldt u zich aan" in response.get_data(as_text=True)
    token = csrf_token(client, "/profiel/tweestapsverificatie")
    refused = client.post("/beheer/organisaties", data={
        "csrf_token": token, "name": "Stiekem BV", "kind": "corporation"})
    assert refused.headers["Location"] == "/profiel/tweestapsverificatie"
    assert "Stiekem BV" not in client.get("/beheer/organisaties").get_data(as_text=True)

    _, codes = _enrol_through_the_page(client)

    assert len(codes) == 10
    assert client.get("/beheer/gebruikers").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200  # never held up


def test_the_enrolment_page_shows_the_secret_as_text_and_a_qr_code_and_asks_for_a_code(
    signed_in,
):
    page = signed_in("care_provider").get("/profiel/tweestapsverificatie").get_data(as_text=True)
    assert re.search(r'data-testid="secret">[A-Z2-7]{4}( [A-Z2-7]{4}){7}<', page)
    assert '<svg role="img" aria-labelledby="qr-title"' in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label class="utrecht-form-label" for="code">Code uit uw app</label>' in page


def test_a_wrong_first_code_leaves_the_second_factor_off(signed_in, users):
    client = signed_in("matcher")
    page = client.get("/profiel/tweestapsverificatie").get_data(as_text=True)
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = client.post("/profiel/tweestapsverificatie", data={
        "code": _wrong(pyotp.TOTP(secret).now()),
        "csrf_token": csrf_token(client, "/profiel/tweestapsverificatie")})
    assert response.status_code == 422
    assert "Deze code klopt niet" in response.get_data(as_text=True)
    _signed_out(client)
    assert sign_in(client, users["matcher"]).headers["Location"] == "/"  # no code asked


# --- signing in with a second factor --------------------------------------------------------


def test_the_password_alone_opens_nothing_for_a_user_with_a_second_factor(client, users):
    response = _password_step(client, users["admin"], "?next=/beheer/organisaties")
    assert response.headers["Location"] == "/aanmelden/code"
    for page in ("/profiel", "/beheer/gebruikers"):
        assert "/aanmelden?next=" in client.get(page).headers["Location"], page

    response = _code_step(client, fresh_code(users["admin"]))

    assert response.headers["Location"] == "/beheer/organisaties"
    assert users["admin"].email in client.get("/profiel").get_data(as_text=True)


def test_the_code_step_asks_accessibly_for_a_code_or_a_recovery_code(client, users):
    _password_step(client, users["admin"])
    page = client.get("/aanmelden/code").get_data(as_text=True)
    assert '<label class="utrecht-form-label" for="code">Code uit uw app</label>' in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label class="utrecht-form-label" for="recovery_code">Herstelcode</label>' in page


def test_a_wrong_code_is_refused_and_the_user_stays_signed_out(client, users):
    _password_step(client, users["admin"])
    response = _code_step(client, _wrong(fresh_code(users["admin"])))
    assert response.status_code == 401
    assert "Deze code klopt niet of is al gebruikt." in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert client.get("/profiel").status_code == 302


def test_a_code_used_to_sign_in_cannot_be_used_again(app, users):
    code = fresh_code(users["admin"])
    first, thief = app.test_client(), app.test_client()
    _password_step(first, users["admin"])
    assert _code_step(first, code).status_code == 302
    _password_step(thief, users["admin"])  # someone who saw the password and the code
    assert _code_step(thief, code).status_code == 401
    assert thief.get("/profiel").status_code == 302


def test_wrong_codes_make_the_next_attempt_wait(client, users):
    _password_step(client, users["admin"])
    right = fresh_code(users["admin"])
    for _ in range(FREE_WRONG_CODES):
        assert _code_step(client, _wrong(right)).status_code == 401
    response = _code_step(client, right)
    assert response.status_code == 429
    assert "Probeer het over 30 seconden opnieuw" in response.get_data(as_text=True)
    assert client.get("/profiel").status_code == 302


def test_a_recovery_code_signs_in_once(client, users):
    sign_in(client, users["care_provider"])
    _, codes = _enrol_through_the_page(client)
    _signed_out(client)

    _password_step(client, users["care_provider"])
    assert _code_step(client, codes[0].lower(), field="recovery_code").status_code == 302
    page = client.get("/profiel/tweestapsverificatie").get_data(as_text=True)
    assert 'data-testid="codes-left">9<' in page
    _signed_out(client)

    _password_step(client, users["care_provider"])
    response = _code_step(client, codes[0], field="recovery_code")
    assert response.status_code == 401
    assert "<details open>" in response.get_data(as_text=True)  # the error is shown open
    assert client.get("/profiel").status_code == 302


def test_the_code_step_without_a_password_first_sends_to_sign_in(client):
    response = client.get("/aanmelden/code")
    assert response.headers["Location"] == "/aanmelden"


def test_cancelling_the_code_step_ends_the_session_the_password_opened(client, users, reference):
    from matching.models import UserSession

    _password_step(client, users["admin"])
    client.post("/aanmelden/code/annuleren",
                data={"csrf_token": csrf_token(client, "/aanmelden/code")})
    sessions = reference.exec(select(UserSession).where(
        UserSession.user_id == users["admin"].id)).all()
    assert len(sessions) == 1 and sessions[0].ended_at is not None
    assert client.get("/aanmelden/code").headers["Location"] == "/aanmelden"


# --- optional for others; an administrator keeps theirs -------------------------------------


def test_a_user_turns_the_second_factor_off_again_but_an_administrator_cannot(
    signed_in, users, reference,
):
    from matching.services.two_factor import has_second_factor

    client = signed_in("analyst")
    _enrol_through_the_page(client)
    client.post("/profiel/tweestapsverificatie/uitzetten",
                data={"csrf_token": csrf_token(client, "/profiel/tweestapsverificatie")})
    assert not has_second_factor(reference, user_id=users["analyst"].id)

    admin = signed_in("admin")
    page = admin.get("/profiel/tweestapsverificatie").get_data(as_text=True)
    assert "Tweestapsverificatie uitzetten" not in page
    admin.post("/profiel/tweestapsverificatie/uitzetten",
               data={"csrf_token": csrf_token(admin, "/profiel/tweestapsverificatie")})
    assert has_second_factor(reference, user_id=users["admin"].id)


def test_an_administrator_turns_off_a_lost_second_factor_and_the_user_is_signed_out(
    signed_in, users, reference,
):
    from matching.services.two_factor import has_second_factor

    user = signed_in("corporation")
    _enrol_through_the_page(user)
    admin = signed_in("admin")
    path = f"/beheer/gebruikers/{users['corporation'].id}"
    assert "Tweestapsverificatie uitzetten" in admin.get(path).get_data(as_text=True)
    admin.post(f"{path}/tweestapsverificatie/uitzetten",
               data={"csrf_token": csrf_token(admin, path)})
    assert not has_second_factor(reference, user_id=users["corporation"].id)
    assert user.get("/profiel").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(signed_in, users):
    client = signed_in("matcher")
    _, old = _enrol_through_the_page(client)
    response = client.post("/profiel/tweestapsverificatie/herstelcodes",
                           data={"csrf_token": csrf_token(client, "/profiel/tweestapsverificatie")})
    new = re.findall(r"<code>([A-Z2-9-]{19})</code>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    _signed_out(client)
    _password_step(client, users["matcher"])
    assert _code_step(client, old[1], field="recovery_code").status_code == 401
    assert _code_step(client, new[1], field="recovery_code").status_code == 302


# --- re-authentication before exports and user management -----------------------------------


def test_a_download_after_a_quarter_of_an_hour_asks_for_the_password_and_comes_back(signed_in):
    client = signed_in("analyst")
    assert client.get("/rapportages/2019Q3.csv").status_code == 200  # just signed in
    _make_stale(client)

    response = client.get("/rapportages/2019Q3.csv")
    assert response.status_code == 302
    assert response.headers["Location"] == "/bevestigen?next=/rapportages/2019Q3.csv"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'autocomplete="current-password"' in page and 'name="code"' not in page

    token = csrf_token(client, "/bevestigen")
    back = client.post("/bevestigen?next=/rapportages/2019Q3.csv",
                       data={"password": PASSWORD, "csrf_token": token})
    assert back.headers["Location"] == "/rapportages/2019Q3.csv"
    download = client.get("/rapportages/2019Q3.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"


def test_a_wrong_password_on_the_confirmation_opens_no_download(signed_in):
    client = signed_in("analyst")
    _make_stale(client)
    token = csrf_token(client, "/bevestigen")
    response = client.post("/bevestigen?next=/rapportages/2019Q3.csv",
                           data={"password": "not my password at all", "csrf_token": token})
    assert response.status_code == 401
    assert "Dit is niet uw wachtwoord." in response.get_data(as_text=True)
    assert client.get("/rapportages/2019Q3.csv").status_code == 302


def test_an_administrator_confirms_with_password_and_code_before_user_management(
    signed_in, users, reference,
):
    admin = signed_in("admin")
    _make_stale(admin)
    path = f"/beheer/gebruikers/{users['matcher'].id}"
    token = csrf_token(admin, path)
    refused = admin.post(f"{path}/deactiveren", data={"csrf_token": token},
                         headers={"Referer": f"http://localhost{path}"})
    assert refused.headers["Location"] == f"/bevestigen?next={path}"
    reference.refresh(users["matcher"])
    assert users["matcher"].active  # nothing changed without the confirmation

    page = admin.get(refused.headers["Location"]).get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page
    without_code = admin.post(f"/bevestigen?next={path}", data={
        "password": PASSWORD, "csrf_token": csrf_token(admin, "/bevestigen")})
    assert without_code.status_code == 422
    back = admin.post(f"/bevestigen?next={path}", data={
        "password": PASSWORD, "code": fresh_code(users["admin"]),
        "csrf_token": csrf_token(admin, "/bevestigen")})
    assert back.headers["Location"] == path

    admin.post(f"{path}/deactiveren", data={"csrf_token": csrf_token(admin, path)})
    reference.refresh(users["matcher"])
    assert not users["matcher"].active


def test_creating_a_user_needs_a_recent_sign_in(signed_in):
    admin = signed_in("admin")
    _make_stale(admin)
    response = admin.get("/beheer/gebruikers/nieuw")
    assert response.headers["Location"] == "/bevestigen?next=/beheer/gebruikers/nieuw"


def test_confirming_renews_the_session_id_so_the_old_cookie_opens_nothing(app, users):
    client = app.test_client()
    sign_in(client, users["analyst"])
    old_cookie = client.get_cookie("matching_session").value
    _make_stale(client)
    client.post("/bevestigen", data={"password": PASSWORD,
                                     "csrf_token": csrf_token(client, "/bevestigen")})
    assert client.get("/profiel").status_code == 200
    thief = app.test_client()
    thief.set_cookie("matching_session", old_cookie)
    assert thief.get("/profiel").status_code == 302


def test_the_confirmation_page_sends_nowhere_but_this_site(signed_in):
    client = signed_in("analyst")
    response = client.post("/bevestigen?next=//evil.example/", data={
        "password": PASSWORD, "csrf_token": csrf_token(client, "/bevestigen")})
    assert response.headers["Location"] == "/"


def test_the_code_step_reads_in_english(client, users):
    token = csrf_token(client, "/aanmelden")
    client.post("/taal", data={"lang": "en", "csrf_token": token, "next": "/aanmelden"})
    _password_step(client, users["admin"])
    page = client.get("/aanmelden/code").get_data(as_text=True)
    assert "Code from your app" in page
    assert "Recovery code" in page


def test_api_tokens_are_not_asked_for_a_second_factor(app, users, reference):
    from matching.services.users import create_api_token

    admin = make_user(reference, "Het Vierde Huis", "admin")  # no second factor set up
    token = create_api_token(reference, user=admin)
    response = app.test_client().get("/api/v1/organisations",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
