"""A form whose change the database keeps undoing (a deadlock on every attempt) answers a 409
page that says to try again, not a 500; nothing was saved and sending it again works."""

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from matching.models import Client
from matching.services import retry
from tests.web.conftest import csrf_token
from tests.web.test_clients import _form


class _Deadlock(Exception):
    sqlstate = "40P01"


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "pause", lambda attempt: None)


def test_registering_a_client_while_the_database_deadlocks_answers_409_and_saves_nothing(
        reference, signed_in, monkeypatch):
    browser = signed_in("care_provider")

    def deadlocked(*args, **kwargs):
        raise OperationalError("INSERT INTO client ...", {}, _Deadlock("deadlock detected"))

    with monkeypatch.context() as patch:
        patch.setattr("matching.services.clients.add_client", deadlocked)
        busy = browser.post("/clienten/nieuw",
                            data=_form(csrf_token=csrf_token(browser, "/clienten/nieuw")))
    assert busy.status_code == 409
    assert "probeer het opnieuw" in busy.get_data(as_text=True)
    reference.expire_all()
    assert reference.exec(select(Client)).all() == []

    again = browser.post("/clienten/nieuw",
                         data=_form(csrf_token=csrf_token(browser, "/clienten/nieuw")))
    assert again.status_code == 302
    assert len(reference.exec(select(Client)).all()) == 1
