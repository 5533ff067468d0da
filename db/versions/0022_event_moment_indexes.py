"""the events by moment: a report as of today reads the rows' states when no event is later

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 20:00:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENT_TABLES = ("dwelling_event", "client_event", "proposal_event", "candidate_event",
                 "lease_event")


def upgrade() -> None:
    for table in _EVENT_TABLES:
        op.create_index(f"ix_{table}_at", table, ["at"])


def downgrade() -> None:
    for table in _EVENT_TABLES:
        op.drop_index(f"ix_{table}_at", table_name=table)
