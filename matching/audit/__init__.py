"""The access log of client records (NEN 7513): recording accesses, their origin, and the
hash chain that shows any change or gap. It stands below the services and knows no web."""

from matching.audit.chain import Break, Verdict
from matching.audit.context import Origin, current_origin, on_command_line, read_requests_with
from matching.audit.record import (
    ACTIONS,
    RECORD_FIELDS,
    AccessNotRecorded,
    record_client_access,
)
from matching.audit.verify import verify_access_log

__all__ = [
    "ACTIONS",
    "RECORD_FIELDS",
    "AccessNotRecorded",
    "Break",
    "Origin",
    "Verdict",
    "current_origin",
    "on_command_line",
    "read_requests_with",
    "record_client_access",
    "verify_access_log",
]
