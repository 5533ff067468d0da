"""steering figures: priority lettings before the system, total lettings per quarter, statushouder rung

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:19:28.740761
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('priority_lettings_reference',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('priority_lettings', sa.Integer(), nullable=False),
    sa.Column('total_lettings', sa.Integer(), nullable=False),
    sa.Column('alternative_total', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    op.create_table('statushouder_rung',
    sa.Column('half_year', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('rung', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('set_by_user_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_by_user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('half_year')
    )
    op.create_table('total_lettings_quarter',
    sa.Column('quarter', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('set_by_user_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_by_user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('quarter')
    )


def downgrade() -> None:
    op.drop_table('total_lettings_quarter')
    op.drop_table('statushouder_rung')
    op.drop_table('priority_lettings_reference')
