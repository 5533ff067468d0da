"""report history indexes: a row's events by moment, lettings and rounds by period

The reports rebuild every row's state as of a day from the event history; at ten times
Utrecht's volume (benchmarks/reports.py) reading it through the row-id index alone cost
seconds per report. These indexes let the database answer from the index. Each event
table's history index starts with the row's id, so it replaces the index on that column
alone (with both, PostgreSQL picks the smaller one and reads the table as well).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, the column naming the row) of every event table
HISTORIES = (
    ('dwelling_event', 'dwelling_id'),
    ('client_event', 'client_id'),
    ('proposal_event', 'proposal_id'),
    ('candidate_event', 'candidate_id'),
    ('lease_event', 'lease_id'),
)


def upgrade() -> None:
    for table, key in HISTORIES:
        op.create_index(f'ix_{table}_history', table, [key, 'at', 'id', 'to_state'])
        op.drop_index(f'ix_{table}_{key}', table_name=table)
    op.create_index('ix_dwelling_event_state_at', 'dwelling_event', ['to_state', 'at'])
    op.create_index('ix_client_event_state_at', 'client_event', ['to_state', 'at'])
    op.create_index('ix_proposal_opened_at', 'proposal', ['opened_at'])


def downgrade() -> None:
    op.drop_index('ix_proposal_opened_at', table_name='proposal')
    op.drop_index('ix_client_event_state_at', table_name='client_event')
    op.drop_index('ix_dwelling_event_state_at', table_name='dwelling_event')
    for table, key in reversed(HISTORIES):
        op.create_index(f'ix_{table}_{key}', table, [key])
        op.drop_index(f'ix_{table}_history', table_name=table)
