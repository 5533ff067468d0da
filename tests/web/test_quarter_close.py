"""The agency closes a quarter from the key-figures page; others see no button."""

from tests.web.conftest import csrf_token
from tests.web.test_english import in_english


def test_the_matcher_closes_an_ended_quarter_with_the_button(signed_in):
    client = signed_in("matcher")
    page = client.get("/rapportages?kwartaal=2019Q3").get_data(as_text=True)
    assert "Kwartaal vaststellen" in page
    token = csrf_token(client, "/rapportages?kwartaal=2019Q3")
    response = client.post("/rapportages/2019Q3/vaststellen", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Het kwartaal is vastgesteld" in page
    assert "Vastgesteld op" in page and "Het Vierde Huis" in page
    assert "Kwartaal vaststellen" not in page
    again = client.post("/rapportages/2019Q3/vaststellen", data={"csrf_token": token},
                        follow_redirects=True)
    assert "kan niet worden vastgesteld" in again.get_data(as_text=True)


def test_others_see_no_button_and_may_not_close(signed_in):
    for role in ("analyst", "corporation", "admin"):
        client = signed_in(role)
        page = client.get("/rapportages?kwartaal=2019Q3").get_data(as_text=True)
        assert "Kwartaal vaststellen" not in page, role
        token = csrf_token(client, "/rapportages?kwartaal=2019Q3")
        response = client.post("/rapportages/2019Q3/vaststellen", data={"csrf_token": token})
        assert response.status_code == 403, role


def test_no_button_for_a_quarter_that_has_not_ended(signed_in):
    client = signed_in("matcher")
    page = client.get("/rapportages?kwartaal=2099Q1").get_data(as_text=True)
    assert "Kwartaal vaststellen" not in page


def test_the_closed_page_reads_in_english(signed_in):
    client = signed_in("matcher")
    token = csrf_token(client, "/rapportages?kwartaal=2019Q3")
    client.post("/rapportages/2019Q3/vaststellen", data={"csrf_token": token})
    page = in_english(client).get("/rapportages?kwartaal=2019Q3").get_data(as_text=True)
    assert "Closed on" in page and "These figures will not change any more." in page
