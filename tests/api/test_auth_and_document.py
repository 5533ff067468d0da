"""Bearer tokens, roles, the error envelope and the OpenAPI document."""

import re

import pytest
from sqlmodel import Session

from matching.services.users import create_api_token, revoke_api_token, set_user_active, tokens_of
from tests.api.conftest import ROLES, error_of

ERROR_STATUSES = {"400", "401", "403", "404", "409", "422"}


def test_without_a_token_every_operation_answers_401_with_the_envelope(api):
    for path in ("/api/v1/me", "/api/v1/dwellings", "/api/v1/clients/1", "/api/v1/leases"):
        response = api.get(path, as_=None)
        assert response.status_code == 401
        assert error_of(response)["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.post("/api/v1/dwellings", {}, as_=None).status_code == 401


def test_a_wrong_scheme_or_an_unknown_token_is_refused(api):
    assert api.get("/api/v1/me", as_=None,
                   headers={"Authorization": "Basic dXNlcjpwdw=="}).status_code == 401
    assert api.get("/api/v1/me", as_=None,
                   headers={"Authorization": "Bearer mt_not-a-token"}).status_code == 401


def test_a_revoked_token_opens_nothing(api, reference: Session, users):
    token = create_api_token(reference, user=users["matcher"])
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/me", as_=None, headers=headers).status_code == 200
    newest = tokens_of(reference, user_id=users["matcher"].id)[0]
    revoke_api_token(reference, token_id=newest.id, actor=users["matcher"])
    assert api.get("/api/v1/me", as_=None, headers=headers).status_code == 401


def test_a_deactivated_user_s_token_opens_nothing(api, reference: Session, users):
    set_user_active(reference, user_id=users["care_provider"].id, active=False,
                    actor=users["admin"])
    assert api.get("/api/v1/me", as_="care_provider").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_me_names_the_user_role_and_organisation(api, users, role):
    response = api.get("/api/v1/me", as_=role)
    assert response.status_code == 200
    me = response.get_json()
    assert (me["id"], me["email"], me["role"]) == (users[role].id, users[role].email, role)
    assert set(me["organisation"]) == {"id", "name", "kind"}
    assert me["organisation"]["id"] == users[role].organisation_id


def test_me_tells_each_organisation_s_kind(api):
    kinds = {role: api.get("/api/v1/me", as_=role).get_json()["organisation"]["kind"]
             for role in ("corporation", "matcher", "care_provider", "analyst")}
    assert kinds == {"corporation": "corporation", "matcher": "agency",
                     "care_provider": "care_provider", "analyst": "municipality"}


def test_a_role_that_may_not_act_gets_403_before_its_body_is_looked_at(api):
    response = api.post("/api/v1/dwellings", {"nonsense": True}, as_="analyst")
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_an_unknown_path_or_method_answers_with_the_envelope(api):
    assert error_of(api.get("/api/v1/nothing-here", as_="matcher"))["code"] == "not_found"
    response = api.client.delete("/api/v1/dwellings", headers=api.headers("corporation"))
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", ["/api/v1/dwellings/abc", "/api/v1/dwellings/-1",
                                  "/api/v1/dwellings/99999999999999999999999",
                                  "/api/v1/clients/2147483648", "/api/v1/leases/1.5"])
def test_an_id_that_is_not_a_small_positive_integer_is_not_found(api, path):
    response = api.get(path, as_="matcher")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_the_document_is_openapi_3_1_generated_from_the_routes(api):
    response = api.get("/api/v1/openapi.json", as_=None)
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer",
        "description": "An API token from `matching users token EMAIL` or the profile page.",
    }
    paths = document["paths"]
    for path in ("/api/v1/me", "/api/v1/dwellings/{dwelling_id}/let",
                 "/api/v1/proposals/{proposal_id}/decisions", "/api/v1/leases/{lease_id}/transfer",
                 "/api/v1/quarters/{quarter}/quotas", "/api/v1/contingents/{year}"):
        assert path in paths


def test_every_operation_documents_its_answer_the_error_envelope_and_the_bearer_token(api):
    document = api.get("/api/v1/openapi.json", as_=None).get_json()
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert set(responses) >= ERROR_STATUSES, (method, path)
            for status in ERROR_STATUSES:
                assert responses[status]["content"]["application/json"]["schema"] == envelope
            success = {"200", "201"} & set(responses)
            assert success, (method, path)
            assert operation["security"] == [{"bearerAuth": []}]
            if method in ("post", "put"):
                assert "requestBody" in operation, path
                assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])


def test_every_contract_operation_is_in_the_document(api):
    document = api.get("/api/v1/openapi.json", as_=None).get_json()
    operations = {(method.upper(), path.removeprefix("/api/v1"))
                  for path, item in document["paths"].items() for method in item}
    contract = {
        ("GET", "/me"), ("GET", "/organisations"), ("GET", "/reason-codes"),
        ("GET", "/target-groups"), ("GET", "/quarters/{quarter}/quotas"),
        ("POST", "/dwellings"), ("GET", "/dwellings"), ("GET", "/dwellings/{dwelling_id}"),
        ("POST", "/dwellings/{dwelling_id}/submit"), ("POST", "/dwellings/{dwelling_id}/withdraw"),
        ("GET", "/dwellings/{dwelling_id}/suggestions"),
        ("POST", "/dwellings/{dwelling_id}/proposals"),
        ("POST", "/proposals/{proposal_id}/decisions"), ("POST", "/dwellings/{dwelling_id}/offer"),
        ("POST", "/dwellings/{dwelling_id}/let"), ("POST", "/clients"), ("GET", "/clients"),
        ("GET", "/clients/{client_id}"), ("POST", "/clients/{client_id}/approve"),
        ("POST", "/clients/{client_id}/hold"), ("POST", "/clients/{client_id}/resume"),
        ("POST", "/clients/{client_id}/withdraw"), ("GET", "/leases"),
        ("GET", "/leases/{lease_id}"), ("POST", "/leases/{lease_id}/transfer"),
        ("POST", "/leases/{lease_id}/extend"), ("POST", "/leases/{lease_id}/end"),
        ("GET", "/contingents/{year}"), ("GET", "/reports/quarter/{quarter}"),
        ("GET", "/reports/year/{year}"),
        # Added in version 1.1.
        ("GET", "/notifications"), ("POST", "/notifications/{notification_id}/read"),
        ("GET", "/reports/balance/{year}"), ("GET", "/reports/statushouders/{half}"),
        ("GET", "/reports/allocation/{year}"), ("POST", "/leases/institution"),
    }
    assert contract <= operations, contract - operations


def test_the_reference_page_for_people_lists_every_operation(api):
    response = api.get("/api/v1/docs", as_=None)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    document = api.get("/api/v1/openapi.json", as_=None).get_json()
    for path, item in document["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in page
    assert page.count("<h1>") == 1
    tables = len(re.findall(r"<table[\s>]", page))
    assert tables > 0 and tables == page.count("<caption>")
    assert "cdn" not in page.lower() and "<script" not in page.split("</head>")[1]
