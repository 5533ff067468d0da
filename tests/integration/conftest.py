"""Fixtures shared by the integration tests that need a real database server."""

import pytest
from sqlmodel import Session

from matching.db import get_engine
from matching.services.reference import load_reference
from tests import conftest


@pytest.fixture
def pg_url() -> str:
    """A fresh PostgreSQL schema with the reference data (tests that race need row locks)."""
    assert conftest.POSTGRES_URL
    url = conftest._reset_postgres(conftest.POSTGRES_URL)
    with Session(get_engine(url), expire_on_commit=False) as session:
        load_reference(session)
    return url
