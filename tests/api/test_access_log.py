"""The API's reads in the access log: the access point and the request id of each call, and
a read that cannot be logged answered with 503 instead of the record."""

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from matching.models import AccessLog
from tests.api.conftest import error_of


def _reads(session: Session, client_id: int) -> list[AccessLog]:
    with Session(session.get_bind()) as fresh:
        return list(fresh.exec(select(AccessLog).where(
            AccessLog.client_id == client_id, col(AccessLog.action).in_(("read", "search")),
        ).order_by(col(AccessLog.seq))))


def test_an_api_read_names_the_call_and_its_request_id(api, world, reference, users):
    client = world.client()
    response = api.get(f"/api/v1/clients/{client.id}", as_="care_provider")
    assert response.status_code == 200
    [read] = _reads(reference, client.id)
    assert read.access_point == f"api GET /api/v1/clients/{client.id}"
    assert read.request_id == response.headers["X-Request-Id"]
    assert (read.user_id, read.role) == (users["care_provider"].id, "care_provider")


def test_every_request_gets_its_own_id_whatever_the_caller_sends(api, world, reference):
    client = world.client()
    first = api.get(f"/api/v1/clients/{client.id}", as_="matcher",
                    headers={"X-Request-Id": "planted"})
    second = api.get(f"/api/v1/clients/{client.id}", as_="matcher")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert "planted" not in ids and ids[0] != ids[1]
    assert [r.request_id for r in _reads(reference, client.id)] == ids


def test_a_filtered_list_is_logged_as_a_search_and_a_plain_one_as_a_read(api, world, reference):
    client = world.client()
    api.get("/api/v1/clients", as_="care_provider")
    api.get("/api/v1/clients?state=waiting", as_="care_provider")
    assert [r.action for r in _reads(reference, client.id)] == ["read", "search"]


def test_a_read_the_log_cannot_take_answers_503_without_the_record(
    api, world, reference, monkeypatch: pytest.MonkeyPatch,
):
    client = world.client(annual_income=16_444)

    def broken_log(*_args: Any) -> None:
        raise OperationalError("INSERT INTO access_log", {}, Exception("disk full"))

    monkeypatch.setattr("matching.audit.record.append", broken_log)
    for path in (f"/api/v1/clients/{client.id}", "/api/v1/clients"):
        response = api.get(path, as_="care_provider")
        assert response.status_code == 503, path
        assert error_of(response)["code"] == "access_log_unavailable"
        assert "16444" not in response.get_data(as_text=True)
    monkeypatch.undo()
    assert _reads(reference, client.id) == []
