"""Small helpers the pages share: today's date, paging and the access log."""

from collections.abc import Sequence
from datetime import date

from flask import request

from matching.paging import clamp
from matching.services.clients import log_client_reads
from matching.services.unit_of_work import commit
from matching.vocabulary import utcnow
from matching.web import db_session
from matching.web.auth import current_actor
from matching.workdays import local_date


def today() -> date:
    """Utrecht's date now: working days and deadlines count in local days."""
    return local_date(utcnow())


def asked_year(value: object, first: int, last: int = 2100) -> int:
    """The year a page is asked for (`?jaar=2019`), or this year when it is missing, not a
    number, or outside first..last."""
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return today().year
    return year if first <= year <= last else today().year


def page_args() -> tuple[int, int]:
    """The page number and size asked for in the query string, within bounds."""
    return clamp(request.args.get("page", 1), request.args.get("per_page", 50))


def log_reads(client_ids: list[int], purpose: str, *, action: str = "read",
              fields: Sequence[str] | None = None) -> None:
    """Write the clients a page shows to the access log (privacy: who read what, and why);
    `action` is `search` for a list the user filtered, `fields` what the page shows."""
    ids = sorted({i for i in client_ids if i})
    if ids:
        session = db_session()
        log_client_reads(session, actor=current_actor(), client_ids=ids, purpose=purpose,
                         action=action, fields=fields)
        commit(session)
