"""The access log's hash chain: the digest of one row, and the walk that checks every row.

Each row stores the digest of the row before it (`prev_hash`) and its own (`row_hash`), a
SHA-256 over its recorded values and `prev_hash`; `seq` numbers the rows 1, 2, 3 ... So a
changed value breaks that row's digest, a removed row leaves a gap in `seq` and a broken
link, and a row slipped in between breaks the link or the numbering of the row after it.
The digest must never change: every row ever written is checked with it.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the `prev_hash` of the first row

# The recorded values, in the order they are hashed.
CHAINED = (
    "seq", "at", "user_id", "role", "organisation_id", "action", "purpose", "access_point",
    "client_id", "fields_touched", "request_id", "prev_hash",
)


def _moment(value: datetime) -> str:
    # SQLite gives stored moments back without a zone (they are UTC); PostgreSQL with one.
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest(values: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of a row's recorded values, `prev_hash` included."""
    canonical = [_moment(values[n]) if n == "at" else values[n] for n in CHAINED]
    text = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link(rows: list[dict[str, Any]], *, last_seq: int, last_hash: str) -> list[dict[str, Any]]:
    """Number and hash new rows (dicts of the recorded values) after the chain's last row."""
    previous = last_hash
    for offset, row in enumerate(rows, start=1):
        row["seq"] = last_seq + offset
        row["prev_hash"] = previous
        row["row_hash"] = previous = digest(row)
    return rows


@dataclass(frozen=True)
class Break:
    """The first row at which the chain does not hold, and why."""

    seq: int
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"row {self.seq} (id {self.row_id}): {self.problem}"


@dataclass(frozen=True)
class Verdict:
    rows: int
    last_seq: int
    last_hash: str
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def walk(rows: Iterable[Mapping[str, Any]]) -> Verdict:
    """Check rows given in `seq` order; stop at the first that breaks the chain."""
    expected, previous, count = 1, GENESIS, 0
    for row in rows:
        count += 1
        seq, row_id = row["seq"], row.get("id")
        problem = None
        if seq > expected:
            missing = str(expected) if seq == expected + 1 else f"{expected} to {seq - 1}"
            problem = f"row {missing} is missing before it (removed)"
        elif seq < expected:
            problem = f"numbered {seq} where {expected} was expected (inserted or renumbered)"
        elif row["prev_hash"] != previous:
            problem = "it does not link to the row before it (a row was inserted or replaced)"
        elif row["row_hash"] != digest(row):
            problem = "its recorded values were changed after it was written"
        if problem is not None:
            return Verdict(count, expected - 1, previous, Break(seq, row_id, problem))
        expected, previous = seq + 1, row["row_hash"]
    return Verdict(count, expected - 1, previous, None)
