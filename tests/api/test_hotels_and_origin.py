"""Corporation hotels and the municipality of origin through the API (contract 1.1):
`hotel_stay_since`, `hotel_kind`, `origin_municipality` written and read back, the family
hotel's three persons, `one_time_offer_due`, and the reports' additive figures."""

from datetime import date

from tests.api.conftest import client_body, error_of


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_a_hotel_client_and_its_origin_are_written_and_read_back(api):
    made = ok(api.post("/api/v1/clients", client_body(
        target_group="corporatiehotel", hotel_kind="single", hotel_stay_since="2018-08-01",
        origin_municipality="zeist"), as_="care_provider"), 201)
    assert (made["hotel_kind"], made["hotel_stay_since"], made["origin_municipality"]) == (
        "single", "2018-08-01", "Zeist")  # the municipality's own spelling
    assert made["one_time_offer_due"] is True  # more than twelve months ago, not housed
    read = ok(api.get(f"/api/v1/clients/{made['id']}", as_="matcher"))
    assert (read["hotel_stay_since"], read["origin_municipality"]) == ("2018-08-01", "Zeist")
    plain = ok(api.post("/api/v1/clients", client_body(), as_="care_provider"), 201)
    assert (plain["hotel_kind"], plain["hotel_stay_since"], plain["origin_municipality"],
            plain["one_time_offer_due"]) == (None, None, None, False)


def test_a_family_of_four_is_refused_from_the_family_hotel_with_a_422(api):
    response = api.post("/api/v1/clients", client_body(
        target_group="corporatiehotel", adults=2, children=2, hotel_kind="family",
        hotel_stay_since="2019-01-01"), as_="care_provider")
    assert response.status_code == 422
    assert "at most 3 persons" in error_of(response)["fields"]["hotel_kind"]
    assert ok(api.get("/api/v1/clients", as_="care_provider"))["total"] == 0


def test_bad_hotel_and_origin_fields_are_422_naming_each_field(api):
    missing = api.post("/api/v1/clients", client_body(target_group="corporatiehotel"),
                       as_="care_provider")
    assert missing.status_code == 422
    assert {"hotel_stay_since", "hotel_kind"} <= set(error_of(missing)["fields"])
    elsewhere = api.post("/api/v1/clients", client_body(
        hotel_kind="single", hotel_stay_since="2019-01-01", origin_municipality="Amsterdam"),
        as_="care_provider")
    assert elsewhere.status_code == 422
    assert {"hotel_stay_since", "hotel_kind", "origin_municipality"} <= set(
        error_of(elsewhere)["fields"])
    future = api.post("/api/v1/clients", client_body(
        target_group="corporatiehotel", hotel_kind="motel",
        hotel_stay_since=date(2100, 1, 1).isoformat()), as_="care_provider")
    assert future.status_code == 422
    assert "hotel_kind" in error_of(future)["fields"]


def test_the_year_report_carries_hotel_outflow_and_origin_inflow(api):
    ok(api.post("/api/v1/clients", client_body(registered_on="2019-03-01",
                                               origin_municipality="Utrecht"),
                as_="care_provider"), 201)
    report = ok(api.get("/api/v1/reports/year/2019", as_="matcher"))
    assert report["hotel_outflow"]["target_per_year"] == 30
    assert report["hotel_outflow"]["housed_year_to_date"] == 0
    [utrecht] = [r for r in report["origin_inflow"] if r["municipality"] == "Utrecht"]
    assert utrecht["registered"] == 1
    corporation = ok(api.get("/api/v1/reports/year/2019", as_="corporation"))
    assert corporation["origin_inflow"] == [] and corporation["hotel_outflow"] is None

