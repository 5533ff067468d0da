"""Where an access comes from: the access point (a web page, the API, the command line) and
the id of the request, so a log row can be matched with the server's own logs.

The web layer registers a source that reads its request context (this package never imports
Flask); outside a request, the command line names itself with `on_command_line`.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    access_point: str  # e.g. "web GET /clienten/7", "api GET /api/v1/clients/7", "cli"
    request_id: str | None


# Outside a web request: the process itself, named by the command that runs (`cli` when
# a command does not name itself).
_COMMAND_LINE = Origin("cli", None)
_process: ContextVar[Origin | None] = ContextVar("access_origin", default=None)
_request_source: Callable[[], Origin | None] | None = None


def read_requests_with(source: Callable[[], Origin | None]) -> None:
    """Let `source` name the origin of accesses made while it answers a request (or None)."""
    global _request_source
    _request_source = source


@contextmanager
def on_command_line(command: str) -> Iterator[Origin]:
    """Name accesses made inside the block as coming from `command`, with one run id."""
    origin = Origin(f"cli {command}"[:200], uuid.uuid4().hex)
    token = _process.set(origin)
    try:
        yield origin
    finally:
        _process.reset(token)


def current_origin() -> Origin:
    """The origin of an access made now."""
    if _request_source is not None:
        origin = _request_source()
        if origin is not None:
            return origin
    return _process.get() or _COMMAND_LINE
