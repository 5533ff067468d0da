"""City Deal: the Citydeal-overleg's nominations and the contingent beside the care
providers' rows in GET /contingents/{year} and in the year report."""

from datetime import date

import pytest
from sqlmodel import select

from matching.models import AccessLog, Client
from matching.services.citydeal import record_citydeal_nomination
from matching.services.errors import Conflict, PermissionDenied, ValidationFailed


def test_contingents_carry_the_citydeal_contingent_beside_the_providers_rows(api, world):
    client = world.client(target_group="citydeal")
    record_citydeal_nomination(world.session, client_id=client.id,
                               nominated_on=date(2019, 7, 2), actor=world.users["matcher"])
    shown = api.get("/api/v1/contingents/2019", as_="matcher").get_json()
    assert shown["citydeal"]["target"] == 30
    assert shown["citydeal"]["source"].startswith("[001]")
    assert (shown["citydeal"]["nominated"], shown["citydeal"]["housed"]) == (1, 0)
    assert shown["citydeal"]["evaluated"] is True and shown["citydeal"]["met"] is False
    assert all(set(row) == {"care_provider_id", "care_provider", "contingent", "proposed",
                            "housed", "remaining"} for row in shown["items"])
    # The municipality: a count of 1 to 4 clients is hidden.
    municipality = api.get("/api/v1/contingents/2019", as_="analyst").get_json()["citydeal"]
    assert (municipality["target"], municipality["nominated"]) == (30, None)
    # A care provider reads its own row, without the City Deal.
    assert api.get("/api/v1/contingents/2019", as_="care_provider").get_json()[
        "citydeal"] is None
    # 2025: the verdeelbesluit's 12 places; a year without one has none.
    assert api.get("/api/v1/contingents/2025", as_="matcher").get_json()["citydeal"][
        "target"] == 12
    assert api.get("/api/v1/contingents/2021", as_="matcher").get_json()["citydeal"] is None


def test_the_year_report_evaluates_the_citydeal_contingent(api):
    report = api.get("/api/v1/reports/year/2019", as_="matcher").get_json()
    assert report["citydeal"]["target"] == 30
    assert report["citydeal"]["evaluated"] is True and report["citydeal"]["met"] is False
    corporation = api.get("/api/v1/reports/year/2019", as_="corporation").get_json()
    assert corporation.get("citydeal") is None


def test_a_nomination_is_recorded_once_for_a_citydeal_client_by_the_agency(world):
    session, matcher = world.session, world.users["matcher"]
    client = world.client(target_group="citydeal")
    with pytest.raises(PermissionDenied):
        record_citydeal_nomination(session, client_id=client.id, nominated_on=date(2019, 7, 2),
                                   actor=world.users["care_provider"])
    with pytest.raises(ValidationFailed) as future:
        record_citydeal_nomination(session, client_id=client.id,
                                   nominated_on=date(2099, 1, 1), actor=matcher)
    assert "nominated_on" in future.value.fields
    other = world.client()
    with pytest.raises(Conflict, match="target group citydeal"):
        record_citydeal_nomination(session, client_id=other.id, nominated_on=date(2019, 7, 2),
                                   actor=matcher)
    record_citydeal_nomination(session, client_id=client.id, nominated_on=date(2019, 7, 2),
                               actor=matcher)
    with pytest.raises(Conflict, match="already nominated on 2019-07-02"):
        record_citydeal_nomination(session, client_id=client.id,
                                   nominated_on=date(2019, 7, 3), actor=matcher)
    session.expire_all()
    assert session.get(Client, client.id).citydeal_nominated_on == date(2019, 7, 2)
    assert session.get(Client, other.id).citydeal_nominated_on is None
    logged = session.exec(select(AccessLog).where(AccessLog.purpose == "citydeal nomination"))
    assert [entry.action for entry in logged] == ["change"]
