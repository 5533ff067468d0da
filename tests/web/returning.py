"""Follow a refused form back to its own page, as a browser does after the redirect."""

from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from matching.web.form_return import SUMMARY_ANCHOR


def returned(client: FlaskClient, response: TestResponse, page: str, *,
             summary: bool = True) -> TestResponse:
    """The page a refused form went back to: a 303 to `page`, then that page (status 200)
    with the error summary (unless the refusal names no field of the form: then a message)."""
    assert response.status_code == 303, response.status_code
    location = urlsplit(response.location)
    assert (location.path, location.fragment) == (page, SUMMARY_ANCHOR), response.location
    # As a browser follows it: with the query string (the year, the longer list), not the
    # fragment, which stays in the browser.
    shown = client.get(location.path + (f"?{location.query}" if location.query else ""))
    assert shown.status_code == 200, shown.status_code
    assert ('data-testid="error-summary"' in shown.get_data(as_text=True)) is summary
    return shown
