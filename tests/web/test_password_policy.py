"""Choosing a new password on the profile page: each refusal says in Dutch what to change,
and nothing is changed until the password is good."""

import pytest

from tests.web.conftest import PASSWORD, csrf_token, sign_in


def _change(client, new_password: str):  # type: ignore[no-untyped-def]
    return client.post("/profiel", data={
        "csrf_token": csrf_token(client, "/profiel"), "current_password": PASSWORD,
        "new_password": new_password, "repeat": new_password,
    })


@pytest.mark.parametrize(("new_password", "message"), [
    ("kort-2025", "Gebruik ten minste 12 tekens."),
    ("password1234!", "Dit wachtwoord is te bekend of te makkelijk te raden"),
    ("{local}-is-mijn-naam", "Gebruik uw e-mailadres niet in uw wachtwoord."),
    ("x7" * 65, "Gebruik hoogstens 128 tekens."),
])
def test_a_weak_new_password_is_refused_with_a_dutch_reason_at_the_field(
    app, signed_in, users, new_password: str, message: str
):
    client = signed_in("analyst")
    new_password = new_password.format(local=users["analyst"].email.split("@")[0])
    response = _change(client, new_password)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    # Nothing changed: the old password still signs in, the weak one does not.
    assert sign_in(app.test_client(), users["analyst"]).status_code == 302
    assert sign_in(app.test_client(), users["analyst"], password=new_password).status_code \
        == 401


def test_the_profile_page_names_the_rules_next_to_the_field(signed_in):
    page = signed_in("analyst").get("/profiel").get_data(as_text=True)
    assert "Minimaal 12 tekens" in page
    assert 'autocomplete="new-password"' in page


def test_a_good_new_password_is_taken(app, signed_in, users):
    client = signed_in("analyst")
    assert _change(client, "fietsen langs de Vecht").status_code == 302
    assert sign_in(app.test_client(), users["analyst"],
                   password="fietsen langs de Vecht").status_code == 302
