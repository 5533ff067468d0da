"""Idempotency-Key answers do not live for ever: a stored answer is replayed for a day, and
a reservation whose request died is taken over after a timeout."""

from datetime import timedelta

from flask import Response, g
from sqlmodel import Session, select

from matching.models import Dwelling, IdempotentRequest
from matching.vocabulary import as_utc, utcnow
from matching.web.api import idempotency
from tests.api.conftest import dwelling_body, error_of


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def count_dwellings(session: Session) -> int:
    session.expire_all()
    return len(session.exec(select(Dwelling)).all())


def stored(session: Session) -> IdempotentRequest:
    session.expire_all()
    return session.exec(select(IdempotentRequest)).one()


def age(session: Session, by: timedelta, *, reservation: bool = False) -> IdempotentRequest:
    """Move the one stored row back in time (as a reservation without answer, if asked)."""
    row = stored(session)
    row.created_at = as_utc(row.created_at) - by
    if reservation:
        row.status_code, row.response_body = 0, ""
    session.add(row)
    session.commit()
    return row


def test_an_answer_younger_than_a_day_is_replayed(api, reference):
    body = dwelling_body()
    first = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("day"))
    age(reference, timedelta(hours=23))
    again = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("day"))
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json() == first.get_json()
    assert count_dwellings(reference) == 1


def test_an_answer_older_than_a_day_is_not_replayed_and_the_key_is_handled_as_new(
        api, reference):
    body = dwelling_body()
    first = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("old"))
    age(reference, timedelta(hours=24, minutes=1))
    again = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("old"))
    assert again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") is None
    assert again.get_json()["id"] != first.get_json()["id"]
    assert count_dwellings(reference) == 2
    # The old answer is gone: only the new one is kept, and it is replayed from now on.
    assert stored(reference).response_body == again.get_data(as_text=True)
    replay = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("old"))
    assert replay.get_json() == again.get_json()


def test_after_a_day_the_key_may_carry_another_request(api, reference):
    api.post("/api/v1/dwellings", dwelling_body(rooms=2), as_="corporation", headers=key("k"))
    age(reference, timedelta(days=2))
    other = api.post("/api/v1/dwellings", dwelling_body(rooms=3), as_="corporation",
                     headers=key("k"))
    assert other.status_code == 201
    assert other.get_json()["rooms"] == 3


def test_a_reservation_within_the_timeout_still_answers_409(api, reference):
    body = dwelling_body()
    api.post("/api/v1/dwellings", body, as_="corporation", headers=key("busy"))
    age(reference, idempotency.RESERVATION_TIMEOUT - timedelta(minutes=1), reservation=True)
    response = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("busy"))
    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_key_in_use"


def test_a_reservation_whose_request_died_is_taken_over_after_the_timeout(api, reference):
    body = dwelling_body()
    api.post("/api/v1/dwellings", body, as_="corporation", headers=key("crashed"))
    age(reference, idempotency.RESERVATION_TIMEOUT + timedelta(seconds=1), reservation=True)
    response = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("crashed"))
    assert response.status_code == 201
    assert response.headers.get("Idempotent-Replayed") is None
    row = stored(reference)
    assert (row.status_code, row.response_body) == (201, response.get_data(as_text=True))


def test_a_request_that_lost_its_reservation_to_the_timeout_leaves_the_new_answer_alone(
        api, app, reference):
    body = dwelling_body()
    api.post("/api/v1/dwellings", body, as_="corporation", headers=key("slow"))
    slow = age(reference, idempotency.RESERVATION_TIMEOUT + timedelta(seconds=1),
               reservation=True)
    slow_id, slow_reserved_at = slow.id, as_utc(slow.created_at)
    taken_over = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("slow"))
    assert taken_over.status_code == 201
    # The slow request answers at last, with what it holds of the reservation it made.
    with app.test_request_context("/api/v1/dwellings", method="POST"):
        g.idempotent_request_id = slow_id
        g.idempotent_reserved_at = slow_reserved_at
        idempotency.finish(Response('{"late": true}', status=201, mimetype="application/json"))
    replay = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("slow"))
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.get_json() == taken_over.get_json()


def test_a_key_reserved_just_now_is_not_taken_over(api, reference):
    """The timeout counts from the reservation, not from the answer's age rules."""
    body = dwelling_body()
    api.post("/api/v1/dwellings", body, as_="corporation", headers=key("fresh"))
    row = age(reference, timedelta(0), reservation=True)
    assert utcnow() - as_utc(row.created_at) < idempotency.RESERVATION_TIMEOUT
    assert api.post("/api/v1/dwellings", body, as_="corporation",
                    headers=key("fresh")).status_code == 409
