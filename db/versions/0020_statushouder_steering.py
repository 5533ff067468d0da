"""statushouder steering inputs: extra target, administratively housed, acceleration plans

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 19:50:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('statushouder_steering',
    sa.Column('half_year', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('extra_target', sa.Integer(), nullable=True),
    sa.Column('administratively_housed', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('set_by_user_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_by_user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('half_year')
    )
    op.create_table('statushouder_acceleration',
    sa.Column('half_year', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('weeks', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('set_by_user_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_by_user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('half_year', 'name')
    )


def downgrade() -> None:
    op.drop_table('statushouder_acceleration')
    op.drop_table('statushouder_steering')
