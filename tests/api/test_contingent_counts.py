"""GET /contingents/{year} hides from the municipality every count of 1 to 4 clients (and the
remaining contingent that would give the housed count away), as the reports do; the agency
and the care provider itself see the counts."""

from tests.contingent_data import YEAR, lister_with_small_counts


def _lister_row(api, role: str, lister_id: int) -> dict:  # type: ignore[no-untyped-def]
    response = api.get(f"/api/v1/contingents/{YEAR}?per_page=200", as_=role)
    assert response.status_code == 200
    return next(r for r in response.get_json()["items"] if r["care_provider_id"] == lister_id)


def test_the_municipality_gets_null_for_counts_of_one_to_four_clients(api, reference):
    small = lister_with_small_counts(reference)
    row = _lister_row(api, "analyst", small.lister_id)
    assert row["contingent"] == small.contingent
    assert row["proposed"] is None and row["housed"] is None
    assert row["remaining"] is None  # 10 less the housed count would give it away
    everything = api.get(f"/api/v1/contingents/{YEAR}?per_page=200", as_="analyst").get_json()
    assert everything["suppressed_below"] == 5
    others = [r for r in everything["items"] if r["care_provider_id"] != small.lister_id]
    assert others, "the other providers are listed too"
    for other in others:
        for name in ("proposed", "housed"):
            assert other[name] is None or other[name] == 0 or other[name] >= 5


def test_the_agency_and_the_provider_itself_see_the_counts(api, reference, users):
    small = lister_with_small_counts(reference)
    assert users["care_provider"].organisation_id == small.lister_id
    for role in ("matcher", "care_provider"):
        row = _lister_row(api, role, small.lister_id)
        assert (row["proposed"], row["housed"], row["remaining"]) == (
            small.proposed, small.housed, small.contingent - small.housed), role
    agency = api.get(f"/api/v1/contingents/{YEAR}", as_="matcher").get_json()
    assert agency["suppressed_below"] is None
