"""Young adults through the API (contract 1.1): `self_contained`, `student_complex`, the
€250 net-rent rule in the suggestions, and SSH's cap per student complex."""

from datetime import date

from sqlmodel import Session

from matching.models import Lease
from matching.services.users import create_api_token
from matching.vocabulary import utcnow
from matching.workdays import local_date
from tests.api.conftest import client_body, dwelling_body, error_of
from tests.factories import make_user


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_a_dwelling_is_self_contained_unless_said_otherwise_and_carries_its_student_complex(api):
    plain = ok(api.post("/api/v1/dwellings", dwelling_body(), as_="corporation"), 201)
    assert (plain["self_contained"], plain["student_complex"]) == (True, None)
    room = ok(api.post("/api/v1/dwellings",
                       dwelling_body(self_contained=False, student_complex="SSH-CAMPUS-1"),
                       as_="corporation"), 201)
    assert (room["self_contained"], room["student_complex"]) == (False, "SSH-CAMPUS-1")
    read = ok(api.get(f"/api/v1/dwellings/{room['id']}", as_="corporation"))
    assert (read["self_contained"], read["student_complex"]) == (False, "SSH-CAMPUS-1")
    blank = ok(api.post("/api/v1/dwellings", dwelling_body(student_complex="  "),
                        as_="corporation"), 201)
    assert blank["student_complex"] is None


def test_bad_young_adult_fields_are_422_naming_the_field(api):
    response = api.post("/api/v1/dwellings",
                        dwelling_body(self_contained="perhaps", student_complex="x" * 41),
                        as_="corporation")
    assert response.status_code == 422
    assert {"self_contained", "student_complex"} <= set(error_of(response)["fields"])


def test_a_19_year_old_on_960_a_month_fits_a_self_contained_dwelling_at_411_not_a_room(api):
    """Domain brief scenario 3 (a) and (b): €960 a month is an annual income of 11,520."""
    year = local_date(utcnow()).year
    made = ok(api.post("/api/v1/clients",
                       client_body(birth_year=year - 19, annual_income=11520),
                       as_="care_provider"), 201)
    ok(api.post(f"/api/v1/clients/{made['id']}/approve", {"waiting_since": "2019-07-02"},
                as_="matcher"))

    def suggestions(**fields):
        dwelling = ok(api.post("/api/v1/dwellings", dwelling_body(**{"rent": "411.00", **fields}),
                               as_="corporation"), 201)
        ok(api.post(f"/api/v1/dwellings/{dwelling['id']}/submit", as_="corporation"))
        return ok(api.get(f"/api/v1/dwellings/{dwelling['id']}/suggestions", as_="matcher"))

    flat = suggestions(self_contained=True)
    assert [s["client_id"] for s in flat["items"]] == [made["id"]]
    assert flat["eligible"] == 1 and sum(flat["excluded"].values()) == 0

    room = suggestions(self_contained=False)
    assert room["items"] == [] and room["eligible"] == 0
    assert room["excluded"]["affordability"] == 1
    assert sum(room["excluded"].values()) == 1

    # Above the young-person limit (kwaliteitskortingsgrens) no benefit: its own reason.
    dear = suggestions(self_contained=True, rent="490.00")
    assert dear["excluded"]["housing_benefit"] == 1 and dear["eligible"] == 0


def test_ssh_cannot_submit_beyond_the_complex_cap(api, reference: Session):
    """Seven self-contained units: 15% of 7 is 1.05, so one special-group let at most."""
    ssh = make_user(reference, "SSH", "corporation")
    api.tokens["ssh"] = create_api_token(reference, user=ssh)
    ids = [ok(api.post("/api/v1/dwellings", dwelling_body(student_complex="UITHOF-A"),
                       as_="ssh"), 201)["id"] for _ in range(7)]
    ok(api.post(f"/api/v1/dwellings/{ids[0]}/submit", as_="ssh"))
    ok(api.post(f"/api/v1/dwellings/{ids[1]}/submit", as_="ssh"))
    client = ok(api.post("/api/v1/clients", client_body(), as_="care_provider"), 201)
    ok(api.post(f"/api/v1/clients/{client['id']}/approve", {"waiting_since": "2019-07-02"},
                as_="matcher"))
    # The complex has no lets yet, so a let of the first dwelling is allowed.
    reference.add(Lease(dwelling_id=ids[0], client_id=client["id"],
                        corporation_id=ssh.organisation_id,
                        lease_type="campus", start_on=date(2019, 9, 1)))
    reference.commit()

    refused = api.post(f"/api/v1/dwellings/{ids[2]}/submit", as_="ssh")
    assert refused.status_code == 422
    message = error_of(refused)["fields"]["student_complex"]
    assert "UITHOF-A" in message and "1 of its 7" in message and "at most 1 (15%)" in message
    assert ok(api.get(f"/api/v1/dwellings/{ids[2]}", as_="ssh"))["state"] == "draft"
    # A room of the same complex is outside the cap.
    room = ok(api.post("/api/v1/dwellings",
                       dwelling_body(student_complex="UITHOF-A", self_contained=False),
                       as_="ssh"), 201)
    ok(api.post(f"/api/v1/dwellings/{room['id']}/submit", as_="ssh"))
