"""the start of the approach, provisional contingents, statushouder split

A contingent written by the system on a new year's first day (the previous year's shares) is
provisional until the contingent manager confirms it; policy choices of a year confirmed by
the one entitled to them (the pro-rated task of the approach's first year, a provisional
division of contingents) are kept with who confirmed them and when.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 18:17:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contingent') as batch:
        batch.add_column(sa.Column('provisional', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        'policy_confirmation',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('actor_user_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_user_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('year', 'subject'),
    )


def downgrade() -> None:
    op.drop_table('policy_confirmation')
    with op.batch_alter_table('contingent') as batch:
        batch.drop_column('provisional')
