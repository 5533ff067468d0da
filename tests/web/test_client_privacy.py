"""A client's privacy pages, for the client's own care provider only: who saw the client,
and the download of everything held about it; and a page whose reads cannot be logged is
refused instead of shown."""

import json
import time
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from matching.models import AccessLog, Client
from matching.services.clients import approve_client, read_client, register_client
from tests.factories import ClientData


@pytest.fixture
def own_client(reference: Session, users: dict[str, Any]) -> Client:
    """A waiting client of Lister whose record the matcher has read."""
    client = register_client(reference, data=ClientData(reference="LIS-PRIV-1",
                                                        annual_income=16_333),
                             actor=users["care_provider"])
    approve_client(reference, client_id=client.id, actor=users["matcher"])
    read_client(reference, client_id=client.id, actor=users["matcher"], purpose="review")
    return client


def _log(session: Session, client_id: int, action: str) -> list[AccessLog]:
    with Session(session.get_bind()) as fresh:
        return list(fresh.exec(select(AccessLog).where(
            AccessLog.client_id == client_id, AccessLog.action == action,
        ).order_by(col(AccessLog.seq))))


# --- who saw this client ------------------------------------------------------------------------


def test_the_care_provider_sees_when_who_from_where_and_why_its_client_was_seen(
    signed_in, users, own_client: Client,
):
    page = signed_in("care_provider").get(f"/clienten/{own_client.id}/inzage")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Wie zag cliënt LIS-PRIV-1" in html
    assert users["matcher"].email in html and "Het Vierde Huis" in html
    assert "inzien" in html and "review" in html  # the action in Dutch, the purpose as given
    assert users["care_provider"].email in html and "aanmaken" in html


def test_looking_at_who_saw_the_client_is_logged_too(signed_in, reference, users, own_client):
    signed_in("care_provider").get(f"/clienten/{own_client.id}/inzage")
    [looked] = [r for r in _log(reference, own_client.id, "read")
                if r.purpose == "who accessed this client"]
    assert (looked.user_id, looked.fields_touched) == (users["care_provider"].id, "access_log")
    assert looked.access_point == f"web GET /clienten/{own_client.id}/inzage"


@pytest.mark.parametrize(("who", "status"), [("other_care_provider", 404), ("matcher", 403),
                                             ("corporation", 403), ("analyst", 403)])
def test_nobody_but_the_own_care_provider_sees_who_saw_the_client(
    signed_in, reference, own_client, who, status,
):
    before = len(_log(reference, own_client.id, "read"))
    for path in (f"/clienten/{own_client.id}/inzage", f"/clienten/{own_client.id}/gegevens.json"):
        response = signed_in(who).get(path)
        assert response.status_code == status, path
        assert "LIS-PRIV-1" not in response.get_data(as_text=True)
    assert len(_log(reference, own_client.id, "read")) == before
    assert _log(reference, own_client.id, "export") == []


def test_the_client_page_offers_the_privacy_buttons_to_the_own_care_provider_only(
    signed_in, own_client,
):
    own = signed_in("care_provider").get(f"/clienten/{own_client.id}").get_data(as_text=True)
    assert f"/clienten/{own_client.id}/inzage" in own
    assert f"/clienten/{own_client.id}/gegevens.json" in own
    agency = signed_in("matcher").get(f"/clienten/{own_client.id}").get_data(as_text=True)
    assert "LIS-PRIV-1" in agency and f"/clienten/{own_client.id}/inzage" not in agency


# --- the download -------------------------------------------------------------------------------


def test_the_download_is_a_json_file_of_everything_held_and_is_logged_as_an_export(
    signed_in, reference, users, own_client,
):
    response = signed_in("care_provider").get(f"/clienten/{own_client.id}/gegevens.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="client-LIS-PRIV-1.json"')
    document = json.loads(response.get_data(as_text=True))
    assert document["client"]["annual_income"] == 16_333
    assert {"history", "rounds", "leases", "access_log"} <= set(document)
    assert "review" in {a["purpose"] for a in document["access_log"]}
    [export] = _log(reference, own_client.id, "export")
    assert export.user_id == users["care_provider"].id
    assert export.access_point == f"web GET /clienten/{own_client.id}/gegevens.json"
    assert export.request_id == response.headers["X-Request-Id"]


def test_the_download_asks_to_confirm_the_password_when_the_sign_in_is_not_recent(
    signed_in, reference, own_client,
):
    browser = signed_in("care_provider")
    with browser.session_transaction() as cookie:
        cookie["confirmed_at"] = int(time.time()) - 3600
    response = browser.get(f"/clienten/{own_client.id}/gegevens.json")
    assert response.status_code == 302 and "/bevestigen" in response.location
    assert _log(reference, own_client.id, "export") == []


# --- a read that cannot be logged is refused ------------------------------------------------


def test_a_client_page_whose_read_cannot_be_logged_is_refused_with_503(
    signed_in, reference, own_client, monkeypatch: pytest.MonkeyPatch,
):
    browser = signed_in("care_provider")
    before = len(_log(reference, own_client.id, "read"))

    def broken_log(*_args: Any) -> None:
        raise OperationalError("INSERT INTO access_log", {}, Exception("disk full"))

    monkeypatch.setattr("matching.audit.record.append", broken_log)
    for path in (f"/clienten/{own_client.id}", "/clienten",
                 f"/clienten/{own_client.id}/gegevens.json"):
        response = browser.get(path)
        assert response.status_code == 503, path
        html = response.get_data(as_text=True)
        assert "toegangslogboek" in html
        assert "LIS-PRIV-1" not in html and "16.333" not in html and "16333" not in html
    monkeypatch.undo()
    assert len(_log(reference, own_client.id, "read")) == before
    assert browser.get(f"/clienten/{own_client.id}").status_code == 200


def test_a_long_access_log_is_shown_a_page_at_a_time_newest_first(
    signed_in, reference, users, own_client,
):
    from matching.services.clients import log_client_reads

    for n in range(60):
        log_client_reads(reference, actor=users["matcher"], client_ids=[own_client.id],
                         purpose=f"look {n:02d}")
    reference.commit()
    browser = signed_in("care_provider")
    first = browser.get(f"/clienten/{own_client.id}/inzage").get_data(as_text=True)
    assert "Pagina 1 van 2" in first
    assert "look 59" in first and "look 05" not in first
    second = browser.get(f"/clienten/{own_client.id}/inzage?page=2").get_data(as_text=True)
    assert "look 05" in second and "look 59" not in second
