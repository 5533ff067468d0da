"""Sign-in, sign-out and sessions: what a user and an attacker would notice."""

from matching.services.throttle import FREE_ATTEMPTS_PER_EMAIL
from tests.web.conftest import csrf_token, sign_in


def test_signing_in_with_the_right_password_opens_the_profile(client, users):
    response = sign_in(client, users["admin"])
    assert response.status_code == 302
    page = client.get("/profiel").get_data(as_text=True)
    assert users["admin"].email in page


def test_a_wrong_password_is_refused_without_saying_which_half_was_wrong(client, users):
    response = sign_in(client, users["admin"], password="wrong password!")
    assert response.status_code == 401
    assert "horen niet bij elkaar" in response.get_data(as_text=True)
    assert client.get("/profiel").status_code == 302  # still anonymous: sent to sign in


def test_sign_in_is_throttled_after_repeated_failures(client, users):
    for _ in range(FREE_ATTEMPTS_PER_EMAIL):
        sign_in(client, users["admin"], password="wrong password!")
    response = sign_in(client, users["admin"])  # even the right password waits a moment
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_a_session_cookie_replayed_after_logout_is_refused(app, users):
    client = app.test_client()
    sign_in(client, users["matcher"])
    stolen = client.get_cookie("matching_session").value
    client.post("/afmelden", data={"csrf_token": csrf_token(client, "/profiel")})
    attacker = app.test_client()
    attacker.set_cookie("matching_session", stolen)
    response = attacker.get("/profiel")
    assert response.status_code == 302
    assert "/aanmelden" in response.headers["Location"]


def test_a_password_change_ends_every_other_session(app, users):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, users["analyst"])
    sign_in(phone, users["analyst"])
    token = csrf_token(laptop, "/profiel")
    response = laptop.post("/profiel", data={
        "csrf_token": token, "current_password": "correct horse battery",
        "new_password": "a much longer secret", "repeat": "a much longer secret",
    })
    assert response.status_code == 302
    assert phone.get("/profiel").status_code == 302


def test_a_post_without_csrf_token_is_refused(signed_in):
    client = signed_in("admin")
    response = client.post("/profiel/tokens")
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)


def test_the_language_switch_turns_the_pages_english(client):
    token = csrf_token(client, "/aanmelden")
    client.post("/taal", data={"lang": "en", "csrf_token": token, "next": "/aanmelden"})
    page = client.get("/aanmelden").get_data(as_text=True)
    assert '<html lang="en">' in page


def test_an_api_token_is_revoked_with_a_button_that_says_so(signed_in):
    client = signed_in("corporation")
    page = client.post("/profiel/tokens", data={
        "csrf_token": csrf_token(client, "/profiel")}).get_data(as_text=True)
    # 'Intrekken' alone also means withdrawing a dwelling or a client; a token is revoked.
    assert ">Token intrekken</button>" in page
