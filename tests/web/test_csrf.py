"""Every form POST of the web pages is refused without a CSRF token, and changes nothing."""

import re

from sqlalchemy import func, select
from sqlmodel import SQLModel

from matching.config import Settings
from matching.web import create_app


def _page_post_urls() -> list[str]:
    """Every POST route outside the JSON API, with its path parameters filled in."""
    app = create_app(Settings(database_url="sqlite://", secret_key="test", env="development"))
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()) or rule.rule.startswith("/api/"):
            continue
        urls.append(re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "1", rule.rule))
    return sorted(set(urls))


def _row_counts(session) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for name, table in SQLModel.metadata.tables.items()
    }


def test_the_pages_have_post_routes_to_check():
    assert len(_page_post_urls()) >= 20


def test_every_page_post_without_csrf_token_is_refused_for_every_role(signed_in, reference):
    urls = _page_post_urls()
    before = _row_counts(reference)
    for role in ("corporation", "matcher", "care_provider", "analyst", "admin"):
        client = signed_in(role)
        for url in urls:
            response = client.post(url, data={"reason": "x", "lang": "en"})
            assert response.status_code == 400, f"{role} POST {url}: {response.status_code}"
    after = _row_counts(reference)
    for written_by_signing_in in ("user_session", "sign_in_throttle"):  # sessions, attempts
        after.pop(written_by_signing_in), before.pop(written_by_signing_in)
    assert after == before
