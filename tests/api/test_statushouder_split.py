"""GET /reports/statushouders/{half}: the half-year task in dwellings and its split over the
corporations, added beside the contract's fields without changing them."""

from sqlmodel import select

from matching.models import YearParameter


def test_2019h1_needs_54_dwellings_split_over_the_corporations(api):
    body = api.get("/api/v1/reports/statushouders/2019H1", as_="analyst").get_json()
    assert (body["half"], body["task"]) == ("2019H1", 108)  # the contract's fields stay
    assert (body["persons_per_dwelling"], body["dwellings_needed"]) == (2.0, 54)
    split = {row["corporation"]: row["dwellings"] for row in body["per_corporation"]}
    assert split == {"Mitros": 25, "Portaal": 15, "Bo-Ex": 10, "SSH": 2, "GroenWest": 2}
    assert all(isinstance(row["corporation_id"], int) for row in body["per_corporation"])


def test_the_persons_per_dwelling_parameter_drives_the_dwellings(api, reference):
    row = reference.exec(select(YearParameter).where(
        YearParameter.year == 2019, YearParameter.name == "persons_per_dwelling")).one()
    row.value = 2.5
    reference.add(row)
    reference.commit()
    body = api.get("/api/v1/reports/statushouders/2019H1", as_="matcher").get_json()
    assert (body["persons_per_dwelling"], body["dwellings_needed"]) == (2.5, 44)  # 43.2 up
    assert sum(r["dwellings"] for r in body["per_corporation"]) == 44
    # 2022H1: 204 persons at 2.5 (carried from 2019) is 82 dwellings.
    later = api.get("/api/v1/reports/statushouders/2022H1", as_="matcher").get_json()
    assert later["dwellings_needed"] == 82
