"""Pass through a confirmation page as a browser would: read its form and post it back."""

import html
import re

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

_FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirmation_text(response: TestResponse) -> str:
    """The page's list of what will happen, asserting that it is a confirmation page."""
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert 'name="bevestigd" value="ja"' in page, "not a confirmation page"
    return html.unescape(page.split('data-testid="consequences">')[1].split("</ul>")[0])


def confirm(client: FlaskClient, response: TestResponse) -> TestResponse:
    """Press the confirm button of the confirmation page in `response`."""
    confirmation_text(response)
    for action, body in _FORM.findall(response.get_data(as_text=True)):
        if 'name="bevestigd"' in body:
            fields = MultiDict([(html.unescape(name), html.unescape(value))
                                for name, value in _HIDDEN.findall(body)])
            return client.post(html.unescape(action), data=fields)
    raise AssertionError("no confirm form on the page")
