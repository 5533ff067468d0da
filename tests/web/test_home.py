"""The home page and the health check that the quick start and load balancers use."""

from matching.config import Settings
from matching.services.clients import approve_client, register_client
from matching.web import create_app
from tests.factories import ClientData


def _client(database_url: str):  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=database_url, secret_key="test", env="development"))
    return app.test_client()


def test_the_public_home_page_explains_the_service_and_invites_to_sign_in(
        reference, database_url):
    response = _client(database_url).get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Het Vierde Huis" in page and "zorgaanbieder" in page
    assert 'href="/aanmelden"' in page


def test_the_public_home_page_shows_no_live_figures(reference, database_url, users):
    # A waiting client exists, yet nobody signed out learns how many there are: the
    # figures are for the roles that may see them, in the reports, with what they count.
    client = register_client(reference, data=ClientData(), actor=users["care_provider"])
    approve_client(reference, client_id=client.id, actor=users["matcher"])
    page = _client(database_url).get("/").get_data(as_text=True)
    assert "Cliënten wachtend" not in page
    assert "Stand van zaken" not in page
    assert 'class="num"' not in page


def test_a_signed_in_user_goes_from_home_to_their_own_page(signed_in):
    response = signed_in("analyst").get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/rapportages"


def test_health_reports_the_database_reachable(reference, database_url):
    response = _client(database_url).get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_pages_carry_strict_security_headers(reference, database_url):
    response = _client(database_url).get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
