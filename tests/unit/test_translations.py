"""The English catalogue keeps up with the Dutch texts in the code, and the shipped .mo is the
compiled .po (the wheel and `make run` never compile it)."""

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "matching/web/translations/en/LC_MESSAGES"
# The same keywords as `make translations`: the defaults plus the lazy ones for form labels.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

MsgId = str | tuple[str, ...]


def _key(message_id: str | tuple[str, ...] | list[str]) -> MsgId:
    return message_id if isinstance(message_id, str) else tuple(message_id)


@pytest.fixture(scope="module")
def extracted() -> dict[MsgId, str]:
    """Every msgid the code has now, with the first place it was found."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[MsgId, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        assert context is None, f"{filename}:{lineno} uses a message context; key it here"
        found.setdefault(_key(message), f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def english() -> Catalog:
    with open(CATALOGUE / "messages.po", "rb") as po:
        return read_po(po, locale="en")


def _compiled(catalogue: Catalog) -> dict[MsgId, MsgId]:
    """What a GNU .mo file holds for a catalogue, read back as babel parses it."""
    return {_key(m.id): _key(m.string) for m in catalogue if m.id}


def test_the_code_finds_texts_to_translate(extracted):
    # Guards the tests below against an extraction that silently finds nothing.
    assert len(extracted) > 500
    assert "Matching Utrecht" in extracted


def test_every_text_in_the_code_has_an_english_translation(extracted, english):
    problems = []
    for message_id, where in extracted.items():
        entry = english.get(message_id)
        if entry is None:
            problems.append(f"missing: {message_id!r} ({where})")
            continue
        forms = entry.string if isinstance(entry.string, tuple | list) else [entry.string]
        if not all(forms):
            problems.append(f"empty: {message_id!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {message_id!r} ({where})")
    assert not problems, (
        f"{len(problems)} texts lack an English translation; run `make translations` and "
        "fill in messages.po:\n" + "\n".join(problems)
    )


def test_translations_keep_the_placeholders_of_the_dutch_text(english):
    # A renamed or dropped %(name)s would raise or lose a value when the page renders.
    problems = [
        f"{message.id!r}: {', '.join(str(e) for e in errors)}"
        for message, errors in english.check()
    ]
    assert not problems, "\n".join(problems)


def test_the_shipped_mo_file_is_the_compiled_po_file(english):
    compiled = BytesIO()
    write_mo(compiled, english)
    compiled.seek(0)
    expected = read_mo(compiled)
    with open(CATALOGUE / "messages.mo", "rb") as mo:
        shipped = read_mo(mo)
    assert _compiled(shipped) == _compiled(expected), (
        "messages.mo is out of date: run `make translations` (or `pybabel compile -d "
        "matching/web/translations`) and commit it"
    )
    assert shipped.plural_forms == expected.plural_forms
