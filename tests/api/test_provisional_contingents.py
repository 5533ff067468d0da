"""GET /contingents/{year} on a new year's first day: the year is divided provisionally by the
previous year's shares, and the answer says so (`provisional`, an added field)."""

from datetime import UTC, datetime

from sqlmodel import select

from matching.models import Contingent, Organisation


def test_new_years_day_answers_provisional_contingents(api, reference, monkeypatch):
    monkeypatch.setattr("matching.web.api.figures.utcnow",
                        lambda: datetime(2020, 1, 1, 8, tzinfo=UTC))
    lister = reference.exec(select(Organisation).where(Organisation.name == "Lister")).one()
    reference.add(Contingent(year=2019, care_provider_id=lister.id, contingent=50))
    reference.commit()
    before = api.get("/api/v1/contingents/2019?per_page=200", as_="matcher").get_json()
    assert before["provisional"] is False

    body = api.get("/api/v1/contingents/2020?per_page=200", as_="matcher").get_json()
    assert body["provisional"] is True
    assert sum(row["contingent"] for row in body["items"]) == 385
    mine = next(row for row in body["items"] if row["care_provider_id"] == lister.id)
    assert mine["contingent"] == 385  # the only provider with a share in 2019
