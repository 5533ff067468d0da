"""Locate the migrations and reference data, in a checkout and in an installed wheel."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the directory `db` or `seeds`, shipped inside the package or beside it."""
    # A wheel carries them as matching/_db and matching/_seeds (see pyproject.toml);
    # a source checkout (also an editable install) has them at the project root.
    packaged = _PACKAGE_DIR / f"_{name}"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"cannot find the {name!r} directory next to {_PACKAGE_DIR}")
