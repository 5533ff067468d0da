"""Streaming an XML part of a workbook through expat, within the workbook's bounds."""

import zipfile
from collections.abc import Iterator
from typing import Protocol
from xml.parsers import expat

# A full upload (5,000 rows of a template's 14 columns) unpacks to about 3.5 MB and 200,000
# elements. The bounds leave room for richer files and keep the worst one near a second.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ELEMENTS = 600_000
_CHUNK = 64 * 1024  # unpacked XML fed to expat at a time


class UnreadableWorkbook(Exception):
    """Why the workbook is not read: a `code` as `matching.uploads.UnreadableFile` has it."""

    def __init__(self, code: str, message: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(message)


def too_large() -> UnreadableWorkbook:
    return UnreadableWorkbook("too_large", "the workbook holds far more than an upload can",
                              max=str(MAX_UNPACKED_BYTES // (1024 * 1024)))


class Budget:
    """How many more XML elements this workbook may have read, over all its parts."""

    def __init__(self, elements: int) -> None:
        self.left = elements


class Handler(Protocol):
    done: bool

    def start(self, name: str, attributes: dict[str, str]) -> None: ...

    def end(self, name: str) -> None: ...

    def text(self, data: str) -> None: ...


def parse(archive: zipfile.ZipFile, path: str, budget: Budget,
           handler: Handler) -> Iterator[None]:
    """Feed a part to expat chunk by chunk, the handler seeing each element's local name;
    pause after each chunk (so the caller can take what the handler made) until it is done."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def start(name: str, attributes: dict[str, str]) -> None:
        budget.left -= 1
        if budget.left < 0:
            raise too_large()
        handler.start(name.rpartition("}")[2], attributes)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: handler.end(name.rpartition("}")[2])
    parser.CharacterDataHandler = handler.text
    try:
        source = archive.open(path)
    except KeyError:
        raise UnreadableWorkbook("not_xlsx", f"the part {path} is missing") from None
    with source:
        while not handler.done and (chunk := source.read(_CHUNK)):
            parser.Parse(chunk, False)
            yield
        if not handler.done:
            parser.Parse(b"", True)
            yield


def read(archive: zipfile.ZipFile, path: str, budget: Budget, handler: Handler) -> None:
    for _ in parse(archive, path, budget, handler):
        pass
