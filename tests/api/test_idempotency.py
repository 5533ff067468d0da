"""Idempotency-Key on POST: the same key and body give the first answer and no second effect."""

from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from matching.models import Dwelling, IdempotentRequest
from tests.api.conftest import dwelling_body, error_of


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def count_dwellings(session: Session) -> int:
    session.expire_all()
    return len(session.exec(select(Dwelling)).all())


def test_a_repeated_create_returns_the_first_answer_and_creates_one_dwelling(api, reference):
    body = dwelling_body(address="Herhaalstraat 1, Utrecht")
    first = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("create-1"))
    second = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("create-1"))
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert count_dwellings(reference) == 1


def test_the_same_body_spelled_differently_is_the_same_request(api, reference):
    body = dwelling_body()
    api.post("/api/v1/dwellings", body, as_="corporation", headers=key("k"))
    reordered = dict(reversed(list(body.items())))
    again = api.post("/api/v1/dwellings", reordered, as_="corporation", headers=key("k"))
    assert again.status_code == 201
    assert count_dwellings(reference) == 1


def test_the_key_with_another_body_is_422_and_changes_nothing(api, reference):
    api.post("/api/v1/dwellings", dwelling_body(rooms=2), as_="corporation", headers=key("k"))
    other = api.post("/api/v1/dwellings", dwelling_body(rooms=3), as_="corporation",
                     headers=key("k"))
    assert other.status_code == 422
    assert "Idempotency-Key" in error_of(other)["fields"]
    assert count_dwellings(reference) == 1


def test_the_key_on_another_path_is_another_request(api, world):
    dwelling = world.dwelling(submit=False)
    api.post("/api/v1/dwellings", dwelling_body(), as_="corporation", headers=key("k"))
    other = api.post(f"/api/v1/dwellings/{dwelling.id}/submit", as_="corporation",
                     headers=key("k"))
    assert other.status_code == 422
    assert "Idempotency-Key" in error_of(other)["fields"]
    # Refused, not replayed as a submit: the dwelling is still a draft.
    world.session.expire_all()
    assert world.session.get(Dwelling, dwelling.id).state == "draft"


def test_a_repeated_transition_answers_200_again_instead_of_409(api, world):
    draft = world.dwelling(submit=False)
    path = f"/api/v1/dwellings/{draft.id}/submit"
    first = api.post(path, as_="corporation", headers=key("submit-1"))
    second = api.post(path, as_="corporation", headers=key("submit-1"))
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    assert second.get_json()["state"] == "submitted"
    without_key = api.post(path, as_="corporation")
    assert without_key.status_code == 409


def test_keys_belong_to_one_user(api, reference):
    body = dwelling_body()
    api.post("/api/v1/dwellings", body, as_="corporation", headers=key("shared"))
    other = api.post("/api/v1/dwellings", body, as_="other_corporation", headers=key("shared"))
    assert other.status_code == 201
    assert count_dwellings(reference) == 2


def test_a_failed_request_does_not_keep_its_key(api, reference):
    bad = api.post("/api/v1/dwellings", dwelling_body(wijk="Atlantis"), as_="corporation",
                   headers=key("retry"))
    assert bad.status_code == 422
    fixed = api.post("/api/v1/dwellings", dwelling_body(), as_="corporation",
                     headers=key("retry"))
    assert fixed.status_code == 201
    assert count_dwellings(reference) == 1


def test_a_key_still_being_processed_is_409(api, reference, users):
    body = dwelling_body()
    api.post("/api/v1/dwellings", body, as_="corporation", headers=key("busy"))
    row = reference.exec(select(IdempotentRequest)).one()
    row.status_code = 0  # as if the first request were still running
    reference.add(row)
    reference.commit()
    response = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("busy"))
    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_key_in_use"


def test_an_overlong_key_is_422(api):
    response = api.post("/api/v1/dwellings", dwelling_body(), as_="corporation",
                        headers=key("x" * 201))
    assert response.status_code == 422
    assert "Idempotency-Key" in error_of(response)["fields"]


def test_a_server_failure_after_the_change_keeps_the_key_so_a_retry_cannot_act_twice(
        api, app, reference, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    body = dwelling_body()

    def broken(*args, **kwargs):
        raise RuntimeError("the answer could not be built")

    with monkeypatch.context() as patch:
        patch.setattr("matching.web.api.dwellings._answer", broken)
        failed = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("crash"))
    assert failed.status_code == 500
    retry = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("crash"))
    assert retry.status_code == 409
    assert error_of(retry)["code"] == "idempotency_key_in_use"
    assert count_dwellings(reference) == 1


def test_an_answer_that_cannot_be_stored_still_reaches_the_client_and_keeps_the_key(
        api, reference, monkeypatch):
    body = dwelling_body()

    def unstorable(*args, **kwargs):
        raise OperationalError("UPDATE idempotent_request", {}, Exception("database gone"))

    with monkeypatch.context() as patch:
        patch.setattr("matching.web.api.idempotency._settle", unstorable)
        first = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("lost"))
    assert first.status_code == 201
    assert first.get_json()["state"] == "draft"
    retry = api.post("/api/v1/dwellings", body, as_="corporation", headers=key("lost"))
    assert retry.status_code == 409
    assert count_dwellings(reference) == 1
