"""late changes: the ledger of changes that reach back into closed quarters

A quarter report recomputed every closed quarter of this year and the last for its
corrections, a pass over the whole history each. Changes that can move a closed quarter's
figures are now recorded as they are written (matching/late_changes.py), and a closed
quarter none reached since its closing is not recomputed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'late_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reaches_back_to', sa.Date(), nullable=True),
        sa.Column('tables', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_late_change_recorded_at', 'late_change', ['recorded_at'])
    # Quarters closed before the ledger existed have seen none of it: any late change
    # recorded from now on that reaches back into them has them recomputed.
    with op.batch_alter_table('closed_quarter') as batch:
        batch.add_column(sa.Column('late_changes_seen', sa.Integer(), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('closed_quarter') as batch:
        batch.drop_column('late_changes_seen')
    op.drop_index('ix_late_change_recorded_at', table_name='late_change')
    op.drop_table('late_change')
