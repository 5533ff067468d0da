"""POST /clients/{id}/citydeal-nomination: the agency records the day the Citydeal-overleg
nominated a client of target group citydeal (the service of the client's page), answered with
the client; the nomination counts in the year's City Deal contingent."""

from datetime import timedelta

from sqlmodel import select

from matching.models import AccessLog, Client
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.api.conftest import error_of

PATH = "/api/v1/clients/{}/citydeal-nomination"
BODY = {"nominated_on": "2019-07-02"}


def _nominated_on(session, client_id):
    session.expire_all()
    return session.get(Client, client_id).citydeal_nominated_on


def test_the_agency_records_a_nomination_and_gets_the_client_back(api, world, reference):
    client = world.client(target_group="citydeal")
    before = api.get(f"/api/v1/clients/{client.id}", as_="matcher").get_json()
    assert before["citydeal_nominated_on"] is None
    response = api.post(PATH.format(client.id), BODY, as_="matcher")
    assert response.status_code == 200, response.get_json()
    shown = response.get_json()
    assert (shown["id"], shown["target_group"], shown["citydeal_nominated_on"]) == (
        client.id, "citydeal", "2019-07-02")
    assert (shown["state"], shown["reference"]) == ("waiting", client.reference)
    assert "allowed_triggers" in shown
    assert str(_nominated_on(reference, client.id)) == "2019-07-02"
    # Its own care provider reads the day on the client's record.
    own = api.get(f"/api/v1/clients/{client.id}", as_="care_provider").get_json()
    assert own["citydeal_nominated_on"] == "2019-07-02"
    # The change, and the answer that showed the client, are in the access log.
    logged = {(entry.action, entry.purpose) for entry in reference.exec(
        select(AccessLog).where(AccessLog.client_id == client.id))}
    assert {("change", "citydeal nomination"),
            ("read", "API: client after citydeal nomination")} <= logged


def test_the_nomination_counts_in_the_year_s_citydeal_contingent(api, world):
    client = world.client(target_group="citydeal")
    assert api.post(PATH.format(client.id), BODY, as_="matcher").status_code == 200
    year = api.get("/api/v1/reports/year/2019", as_="matcher").get_json()["citydeal"]
    assert (year["target"], year["nominated"], year["housed"]) == (30, 1, 0)
    assert year["evaluated"] is True and year["met"] is False
    contingents = api.get("/api/v1/contingents/2019", as_="matcher").get_json()["citydeal"]
    assert contingents["nominated"] == 1
    # A nomination of another year does not count in 2019.
    later = world.client(target_group="citydeal")
    api.post(PATH.format(later.id), {"nominated_on": "2020-02-03"}, as_="matcher")
    year = api.get("/api/v1/reports/year/2019", as_="matcher").get_json()["citydeal"]
    assert year["nominated"] == 1


def test_other_roles_are_refused_before_the_client_is_looked_up(api, world, reference):
    client = world.client(target_group="citydeal")
    for role in ("care_provider", "other_care_provider", "corporation", "analyst", "admin"):
        response = api.post(PATH.format(client.id), BODY, as_=role)
        assert response.status_code == 403, role
        assert error_of(response)["code"] == "forbidden", error_of(response)
        # An unknown client gets the same answer: a refused role learns nothing of it.
        assert api.post(PATH.format(999_999), BODY, as_=role).status_code == 403, role
    assert _nominated_on(reference, client.id) is None


def test_another_organisation_s_client_is_not_shown_and_the_agency_reaches_every_one(
        api, world, reference):
    client = world.client(provider="other_care_provider", target_group="citydeal")
    # Lister's care provider does not see De Tussenvoorziening's client, nominated or not.
    assert api.get(f"/api/v1/clients/{client.id}", as_="care_provider").status_code == 404
    assert api.post(PATH.format(client.id), BODY, as_="care_provider").status_code == 403
    response = api.post(PATH.format(client.id), BODY, as_="matcher")
    assert response.status_code == 200
    assert response.get_json()["care_provider_id"] == client.care_provider_id
    hidden = api.get(f"/api/v1/clients/{client.id}", as_="care_provider")
    assert hidden.status_code == 404
    assert "2019-07-02" not in hidden.get_data(as_text=True)
    assert str(_nominated_on(reference, client.id)) == "2019-07-02"


def test_an_unknown_client_is_not_found(api, reference):
    response = api.post(PATH.format(999_999), BODY, as_="matcher")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_client_of_another_target_group_cannot_be_nominated(api, world, reference):
    client = world.client()  # mobw_uitstroom
    response = api.post(PATH.format(client.id), BODY, as_="matcher")
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict" and "target group citydeal" in error["message"]
    assert _nominated_on(reference, client.id) is None


def test_a_second_nomination_is_a_conflict_naming_the_first(api, world, reference):
    client = world.client(target_group="citydeal")
    assert api.post(PATH.format(client.id), BODY, as_="matcher").status_code == 200
    again = api.post(PATH.format(client.id), {"nominated_on": "2019-07-03"}, as_="matcher")
    assert again.status_code == 409
    assert "already nominated on 2019-07-02" in error_of(again)["message"]
    assert str(_nominated_on(reference, client.id)) == "2019-07-02"


def test_a_withdrawn_client_cannot_be_nominated(api, world, reference):
    client = world.client(target_group="citydeal")
    assert api.post(f"/api/v1/clients/{client.id}/withdraw", {"reason": "moved away"},
                    as_="matcher").status_code == 200
    response = api.post(PATH.format(client.id), BODY, as_="matcher")
    assert response.status_code == 409
    assert "withdrawn" in error_of(response)["message"]
    assert _nominated_on(reference, client.id) is None


def test_a_day_in_the_future_is_refused_with_the_field_named(api, world, reference):
    client = world.client(target_group="citydeal")
    tomorrow = (local_date(utcnow()) + timedelta(days=1)).isoformat()
    response = api.post(PATH.format(client.id), {"nominated_on": tomorrow}, as_="matcher")
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"nominated_on": "cannot lie in the future"}
    assert _nominated_on(reference, client.id) is None
    today = local_date(utcnow()).isoformat()
    assert api.post(PATH.format(client.id), {"nominated_on": today},
                    as_="matcher").status_code == 200


def test_a_malformed_or_missing_day_is_refused_and_nothing_is_written(api, world, reference):
    client = world.client(target_group="citydeal")
    cases = [
        ({"nominated_on": "02-07-2019"}, "nominated_on"),
        ({"nominated_on": "2019-02-30"}, "nominated_on"),
        ({"nominated_on": "2019-07-02T10:00:00"}, "nominated_on"),
        ({"nominated_on": 1562061600}, "nominated_on"),
        ({"nominated_on": None}, "nominated_on"),
        ({"nominated_on": "1999-12-31"}, "nominated_on"),
        ({}, "nominated_on"),
        ({**BODY, "note": "extra"}, "note"),
    ]
    for body, field in cases:
        response = api.post(PATH.format(client.id), body, as_="matcher")
        assert response.status_code == 422, (body, response.get_json())
        assert field in error_of(response)["fields"], (body, error_of(response))
    assert api.post(PATH.format(client.id), as_="matcher").status_code == 400  # no body
    assert _nominated_on(reference, client.id) is None


def test_the_same_idempotency_key_records_once_and_replays_the_answer(api, world, reference):
    client = world.client(target_group="citydeal")
    headers = {"Idempotency-Key": "citydeal-1"}
    first = api.post(PATH.format(client.id), BODY, as_="matcher", headers=headers)
    second = api.post(PATH.format(client.id), BODY, as_="matcher", headers=headers)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get_json() == first.get_json()
    changes = reference.exec(select(AccessLog).where(
        AccessLog.client_id == client.id, AccessLog.purpose == "citydeal nomination")).all()
    assert len(changes) == 1


def test_the_api_document_lists_the_operation(api):
    document = api.get("/api/v1/openapi.json", as_=None).get_json()
    operation = document["paths"]["/api/v1/clients/{client_id}/citydeal-nomination"]["post"]
    assert operation["operationId"] == "record_citydeal_nomination"
    assert "200" in operation["responses"] and "Roles: matcher." in operation["description"]
    client = document["components"]["schemas"]["ClientOut"]["properties"]
    assert "citydeal_nominated_on" in client
