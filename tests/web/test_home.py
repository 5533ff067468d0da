"""The home page and the health check that the quick start and load balancers use."""

from matching.config import Settings
from matching.web import create_app


def _client(database_url: str):  # type: ignore[no-untyped-def]
    app = create_app(Settings(database_url=database_url, secret_key="test", env="development"))
    return app.test_client()


def test_the_home_page_speaks_dutch_and_shows_the_totals(reference, database_url):
    response = _client(database_url).get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Cliënten wachtend" in page


def test_health_reports_the_database_reachable(reference, database_url):
    response = _client(database_url).get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_pages_carry_strict_security_headers(reference, database_url):
    response = _client(database_url).get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
