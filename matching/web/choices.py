"""Options for select fields, as the SelectChoice objects WTForms 3.3 asks for."""

from collections.abc import Iterable, Mapping
from typing import Any

from wtforms import SelectChoice


def choices(
    pairs: Mapping[Any, object] | Iterable[tuple[object, object]], *, group: str | None = None
) -> list[SelectChoice]:
    """Turn (value, label) pairs, or a value-to-label mapping, into select options.

    `group` puts the options in an <optgroup> of that label; WTForms groups consecutive
    options with the same group, so build the list group by group.
    """
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label, optgroup=group) for value, label in items]
