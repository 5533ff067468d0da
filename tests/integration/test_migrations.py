"""The Alembic migrations build exactly the schema the models describe."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import tests.conftest as conftest
from matching.db import get_engine
from matching.migrations import upgrade


@pytest.fixture(params=["sqlite"] + (["postgres"] if conftest.POSTGRES_URL else []))
def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "postgres":
        assert conftest.POSTGRES_URL
        return conftest._reset_postgres(conftest.POSTGRES_URL, create=False)
    return f"sqlite:///{tmp_path / 'migrated.sqlite'}"


def test_the_migrated_schema_equals_the_models_metadata(empty_database_url: str):
    upgrade(empty_database_url)
    with get_engine(empty_database_url).connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrading_twice_changes_nothing_and_creates_every_table(empty_database_url: str):
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    tables = set(inspect(get_engine(empty_database_url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_the_database_refuses_a_waiting_client_without_a_waiting_start(empty_database_url: str):
    from datetime import date

    from sqlalchemy.exc import IntegrityError
    from sqlmodel import Session

    from matching.models import Client, Organisation, TargetGroup

    upgrade(empty_database_url)
    with Session(get_engine(empty_database_url)) as session:
        provider = Organisation(name="Lister", kind="care_provider")
        session.add_all([provider, TargetGroup(code="mobw_uitstroom", label_nl="MO/BW",
                                               label_en="MO/BW", phase="uitstroom")])
        session.flush()
        session.add(Client(care_provider_id=provider.id, reference="R1",
                           target_group="mobw_uitstroom", birth_year=1980, annual_income=1,
                           registered_on=date(2019, 1, 1), state="waiting"))
        with pytest.raises(IntegrityError):
            session.flush()
