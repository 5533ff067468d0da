"""The administrator's organisation, reason code and year parameter pages through the test
client, as an administrator sees them."""

import re

import pytest
from sqlmodel import select

from matching.models import Organisation, ReasonCode, YearParameter
from tests.web.conftest import csrf_token


def _organisation_id(reference, name: str) -> int:  # type: ignore[no-untyped-def]
    return reference.exec(select(Organisation.id).where(Organisation.name == name)).one()


# --- organisations --------------------------------------------------------------------------


def _post(client, url: str, page: str, **data):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def test_an_administrator_creates_an_organisation_that_is_listed_with_its_kind(signed_in):
    admin = signed_in("admin")
    response = _post(admin, "/beheer/organisaties", "/beheer/organisaties",
                     name="Stichting Nieuw Thuis", kind="care_provider")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Organisatie Stichting Nieuw Thuis is aangemaakt." in page
    row = re.search(r"Stichting Nieuw Thuis</a></td>\s*<td>([^<]+)</td>", page)
    assert row and row.group(1) == "zorgaanbieder"
    page = admin.get("/beheer/gebruikers/nieuw").get_data(as_text=True)
    assert "Stichting Nieuw Thuis" in page  # now a choice for new users


def test_a_taken_organisation_name_is_shown_at_the_name_field(signed_in, reference):
    admin = signed_in("admin")
    before = len(reference.exec(select(Organisation)).all())
    response = _post(admin, "/beheer/organisaties", "/beheer/organisaties",
                     name="PORTAAL", kind="corporation")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'id="name-error">Er is al een organisatie met deze naam', page)
    response = _post(admin, "/beheer/organisaties", "/beheer/organisaties", name="", kind="")
    assert response.status_code == 422
    assert 'id="kind-error"' in response.get_data(as_text=True)
    assert len(reference.exec(select(Organisation)).all()) == before


def test_an_organisation_is_renamed_and_its_users_follow(signed_in, users, reference):
    admin = signed_in("admin")
    lister = _organisation_id(reference, "Lister")
    url = f"/beheer/organisaties/{lister}"
    response = _post(admin, url, url, name="Lister Utrecht")
    assert response.status_code == 302
    page = admin.get(f"/beheer/gebruikers?organisatie={lister}").get_data(as_text=True)
    assert "Lister Utrecht" in page and users["care_provider"].email in page
    response = _post(admin, url, url, name="Mitros")
    assert response.status_code == 422
    assert 'id="name-error"' in response.get_data(as_text=True)


def test_an_organisation_is_deactivated_only_after_its_users(signed_in, users, reference):
    admin = signed_in("admin")
    lister = _organisation_id(reference, "Lister")
    url = f"/beheer/organisaties/{lister}"
    response = _post(admin, f"{url}/deactiveren", url)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "nog actieve gebruikers" in page
    _post(admin, f"/beheer/gebruikers/{users['care_provider'].id}/deactiveren",
          "/beheer/gebruikers")
    response = _post(admin, f"{url}/deactiveren", url)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "De organisatie is gedeactiveerd." in page
    assert ">Lister</option>" not in admin.get("/beheer/gebruikers/nieuw").get_data(as_text=True)
    _post(admin, f"{url}/activeren", url)
    assert ">Lister</option>" in admin.get("/beheer/gebruikers/nieuw").get_data(as_text=True)
    assert admin.get("/beheer/organisaties/99999").status_code == 404


# --- reason codes ---------------------------------------------------------------------------


def test_an_administrator_adds_a_reason_code_that_is_listed(signed_in):
    admin = signed_in("admin")
    response = _post(admin, "/beheer/redencodes/nieuw", "/beheer/redencodes/nieuw",
                     code="no_garden", kind="candidate", label_nl="Geen tuin",
                     label_en="No garden", needs_motivation="y", vera_status="geweigerd")
    assert response.status_code == 302
    page = admin.get("/beheer/redencodes?soort=candidate").get_data(as_text=True)
    row = re.search(r"<code>no_garden</code></a></td>(.*?)</tr>", page, re.S)
    assert row
    cells = re.findall(r"<td[^>]*>([^<]*)", row.group(1))
    assert cells[:5] == ["kandidaat", "Geen tuin", "No garden", "ja", "geweigerd"]


def test_a_code_named_like_the_new_code_page_can_still_be_edited(signed_in):
    admin = signed_in("admin")
    _post(admin, "/beheer/redencodes/nieuw", "/beheer/redencodes/nieuw", code="nieuw",
          kind="landlord", label_nl="Nieuwbouw", label_en="New build")
    page = admin.get("/beheer/redencodes/nieuw/wijzigen").get_data(as_text=True)
    assert 'value="Nieuwbouw"' in page


def test_a_bad_reason_code_is_shown_at_its_field(signed_in):
    admin = signed_in("admin")
    response = _post(admin, "/beheer/redencodes/nieuw", "/beheer/redencodes/nieuw",
                     code="Geen Tuin", kind="landlord", label_nl="x", label_en="y")
    assert response.status_code == 422
    assert re.search(r'id="code-error">Gebruik kleine letters', response.get_data(as_text=True))
    response = _post(admin, "/beheer/redencodes/nieuw", "/beheer/redencodes/nieuw",
                     code="other", kind="landlord", label_nl="x", label_en="y")
    assert 'id="code-error">Deze code bestaat al.' in response.get_data(as_text=True)


def test_editing_a_reason_code_changes_its_labels_but_not_its_kind(signed_in, reference):
    admin = signed_in("admin")
    url = "/beheer/redencodes/rent_too_high/wijzigen"
    response = _post(admin, url, url, label_nl="Huur te hoog", label_en="Rent too high",
                     vera_status="ingetrokken", kind="candidate")
    assert response.status_code == 302
    reason = reference.get(ReasonCode, "rent_too_high")
    reference.refresh(reason)
    assert (reason.label_nl, reason.needs_motivation, reason.kind) == (
        "Huur te hoog", False, "landlord"
    )
    response = _post(admin, url, url, label_nl="", label_en="x")
    assert response.status_code == 422
    assert 'id="label_nl-error"' in response.get_data(as_text=True)
    assert admin.get("/beheer/redencodes/bestaat_niet/wijzigen").status_code == 404


def test_a_deactivated_reason_code_stays_listed_as_deactivated(signed_in, reference):
    admin = signed_in("admin")
    url = "/beheer/redencodes/senior_label"
    response = _post(admin, f"{url}/deactiveren", f"{url}/wijzigen")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "niet meer te kiezen" in page
    listed = admin.get("/beheer/redencodes").get_data(as_text=True)
    row = re.search(r"<code>senior_label</code>.*?</tr>", listed, re.S)
    assert row and "gedeactiveerd" in row.group(0)
    _post(admin, f"{url}/activeren", f"{url}/wijzigen")
    reason = reference.get(ReasonCode, "senior_label")
    reference.refresh(reason)
    assert reason.active


# --- year parameters ------------------------------------------------------------------------


def _parameter_row(page: str, name: str) -> str:
    row = re.search(rf"<code>{name}</code>.*?</tr>", page, re.S)
    assert row, f"no row for {name}"
    return row.group(0)


def test_a_year_shows_each_value_with_the_year_it_comes_from(signed_in):
    page = signed_in("admin").get("/beheer/jaarparameters?jaar=2021").get_data(as_text=True)
    assert "<h1>Jaarparameters 2021</h1>" in page
    task = _parameter_row(page, "mobw_task")
    assert ">385<" in task and "2020" in task and "loopt door" in task
    limit = _parameter_row(page, "aftoppingsgrens_low")
    assert "633,25" in limit and "eigen waarde" in limit


def test_a_year_after_the_last_known_says_the_latest_values_apply(signed_in):
    page = signed_in("admin").get("/beheer/jaarparameters?jaar=2031").get_data(as_text=True)
    assert "de laatst bekende waarden (tot en met 2025) gelden" in page
    assert "900,07" in _parameter_row(page, "max_rent_housing_benefit")


def test_a_value_set_with_a_decimal_comma_applies_from_that_year_on(signed_in):
    admin = signed_in("admin")
    form = admin.get("/beheer/jaarparameters?jaar=2021&parameter=aftoppingsgrens_low")
    assert 'value="633,25"' in form.get_data(as_text=True)
    response = _post(admin, "/beheer/jaarparameters", "/beheer/jaarparameters?jaar=2021",
                     year="2021", name="aftoppingsgrens_low", value="640,5",
                     source="Besluit gemeenteraad")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "vanaf 2021 640,50" in page
    later = admin.get("/beheer/jaarparameters?jaar=2021").get_data(as_text=True)
    assert "Besluit gemeenteraad" in _parameter_row(later, "aftoppingsgrens_low")
    assert "640,50" in _parameter_row(
        admin.get("/beheer/jaarparameters?jaar=2021").get_data(as_text=True),
        "aftoppingsgrens_low",
    )
    assert "633,25" in _parameter_row(
        admin.get("/beheer/jaarparameters?jaar=2022").get_data(as_text=True),
        "aftoppingsgrens_low",
    )


@pytest.mark.parametrize(
    ("name", "value", "field", "text"),
    [
        ("mobw_task", "veel", "value", "Vul een getal in"),
        ("mobw_task", "385,5", "value", "Vul een heel getal in."),
        ("instroom_share_pct", "101", "value", "Een percentage is hoogstens 100."),
        ("bestaat_niet", "1", "name", ""),
        ("mobw_task", "", "value", "Vul dit veld in."),
    ],
)
def test_a_bad_parameter_value_is_shown_at_its_field_and_nothing_changes(
    signed_in, reference, name, value, field, text
):
    before = len(reference.exec(select(YearParameter)).all())
    admin = signed_in("admin")
    response = _post(admin, "/beheer/jaarparameters", "/beheer/jaarparameters?jaar=2021",
                     year="2021", name=name, value=value)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">{re.escape(text)}', response.get_data(as_text=True))
    assert len(reference.exec(select(YearParameter)).all()) == before


def test_removing_a_years_own_value_lets_the_earlier_one_apply_again(signed_in):
    admin = signed_in("admin")
    response = _post(admin, "/beheer/jaarparameters/2021/instroom_share_pct/verwijderen",
                     "/beheer/jaarparameters?jaar=2021")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    row = _parameter_row(page, "instroom_share_pct")
    assert ">30<" in row and "2020" in row
    again = _post(admin, "/beheer/jaarparameters/2021/instroom_share_pct/verwijderen",
                  "/beheer/jaarparameters?jaar=2021")
    assert again.status_code == 404


def test_a_nonsense_year_shows_the_current_year(signed_in):
    response = signed_in("admin").get("/beheer/jaarparameters?jaar=abc")
    assert response.status_code == 200
    assert "<h1>Jaarparameters 20" in response.get_data(as_text=True)


def test_a_simultaneous_change_that_loses_is_reported_not_a_crash(signed_in, monkeypatch):
    from matching.services.errors import Conflict
    from matching.web import admin_organisations

    def lose(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Conflict("the change conflicts with existing data")

    monkeypatch.setattr(admin_organisations, "create_organisation", lose)
    admin = signed_in("admin")
    response = _post(admin, "/beheer/organisaties", "/beheer/organisaties",
                     name="Tegelijk", kind="agency")
    # Said on the form's own page, with the input kept to try again.
    assert response.status_code == 409 and response.request.path == "/beheer/organisaties"
    page = response.get_data(as_text=True)
    assert "Iemand anders heeft dit net gewijzigd" in page
    assert 'value="Tegelijk"' in page
