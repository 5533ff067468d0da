"""closed quarters: the frozen report snapshots of quarters the agency has closed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:37:04.948447
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('closed_quarter',
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_user_id', sa.Integer(), nullable=False),
    sa.Column('snapshots', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('quarter')
    )


def downgrade() -> None:
    op.drop_table('closed_quarter')
