"""Nonsense in the query string of any page never breaks it: no 500 for any role."""

import re

from matching.config import Settings
from matching.web import create_app

NONSENSE = [
    "page=abc&per_page=-1",
    "page=99999999999999999999&per_page=0",
    "state=nonsense&type=%00&quarter=2019Q9&kwartaal=0000Q0&jaar=abc&year=-5",
    "corporation_id=x&care_provider_id=1e9&target_group=%27%3B--&wijk=%E2%82%AC&sort=zz",
    "client=abc&limit=-3&next=//evil.example",
]


def _pages_without_ids() -> list[str]:
    app = create_app(Settings(database_url="sqlite://", secret_key="test", env="development"))
    return sorted({
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and "<" not in rule.rule
        and not rule.rule.startswith(("/api/", "/static/"))
    })


def test_no_page_answers_500_to_nonsense_in_its_query_string(signed_in):
    pages = _pages_without_ids()
    assert len(pages) >= 20
    failures = []
    for role in ("corporation", "matcher", "care_provider", "analyst", "admin"):
        client = signed_in(role)
        for page in pages:
            for query in NONSENSE:
                status = client.get(f"{page}?{query}").status_code
                if status >= 500:
                    failures.append((role, f"{page}?{query}", status))
    assert not failures, failures


def test_a_sign_in_with_a_foreign_next_address_stays_on_this_site(client, users):
    from tests.web.conftest import csrf_token

    token = csrf_token(client, "/aanmelden")
    response = client.post("/aanmelden?next=//evil.example/x", data={
        "email": users["admin"].email, "password": "correct horse battery", "csrf_token": token,
    })
    assert response.status_code == 302
    assert not re.match(r"^(https?:)?//", response.headers["Location"])


def test_an_id_beyond_the_databases_integers_is_a_404_not_an_error(signed_in):
    client = signed_in("matcher")
    for page in ("/clienten/", "/matcher/woningen/", "/huurcontracten/", "/matcher/aanbiedingen/"):
        assert client.get(f"{page}99999999999999999999").status_code == 404, page
