"""Where a benchmark builds its data: a new SQLite file, or a schema of its own on a
PostgreSQL server, dropped first so that every run starts empty."""

from pathlib import Path

from sqlalchemy import text

from matching.db import get_engine


def prepare_database(url: str | None, workdir: Path, schema: str) -> str:
    """Return the URL of an empty database: a temp SQLite file or a fresh PostgreSQL schema."""
    if url is None:
        return f"sqlite:///{workdir / 'bench.sqlite'}"
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and not path.startswith(":memory:") and Path(path).exists():
            raise SystemExit(f"{path} exists; the benchmark only builds a new SQLite file")
        return url
    base = get_engine(url)
    with base.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    base.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def drop_schema(url: str, schema: str) -> None:
    """Drop the benchmark's schema from the PostgreSQL server at `url`."""
    base = get_engine(url)
    with base.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    base.dispose()
