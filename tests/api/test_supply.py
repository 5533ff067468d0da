"""GET /api/v1/reports/supply/{quarter}: the supply filtering of a quarter's submissions."""

from matching.quarters import quarter_of
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.api.conftest import error_of


def test_the_quarters_submissions_counted_per_rule(api, world):
    world.dwelling()  # two rooms, 48 m2, 560 euros: suitable
    world.dwelling(rooms=5, floor_area_m2=70)  # too many rooms
    world.dwelling(senior_label=True)
    world.dwelling(submit=False)  # a draft is not supply
    quarter = quarter_of(local_date(utcnow()))
    for role in ("matcher", "analyst"):
        answer = api.get(f"/api/v1/reports/supply/{quarter}", as_=role)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        assert body["quarter"] == quarter and body["total"] == 3 and body["eligible"] == 1
        assert [(r["rule"], r["removed"]) for r in body["rules"]] == [
            ("size", 0), ("rent", 0), ("liveability", 0), ("senior_label", 1), ("rooms", 1)]


def test_who_may_ask_and_a_wrong_quarter(api):
    assert api.get("/api/v1/reports/supply/2019Q3", as_="corporation").status_code == 403
    assert api.get("/api/v1/reports/supply/2019Q3", as_="care_provider").status_code == 403
    assert api.get("/api/v1/reports/supply/2019Q3", as_=None).status_code == 401
    wrong = api.get("/api/v1/reports/supply/2019Q7", as_="matcher")
    assert wrong.status_code == 422 and error_of(wrong)["fields"]
