"""the waiting pool's profile: counts per combination of what the rules read (engine speed)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 08:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# What the engine's rules and ranking read (models.ENGINE_READS at this revision).
_ENGINE_READS = ["id", "care_provider_id", "target_group", "phase", "flip_lease_ok", "adults",
                 "children", "birth_year", "annual_income", "needs", "excluded_wijken"]


def upgrade() -> None:
    # On PostgreSQL the index the engine walks carries what it reads: an index-only scan.
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_client_state_waiting_since', table_name='client')
        op.create_index('ix_client_state_waiting_since', 'client', ['state', 'waiting_since'],
                        postgresql_include=_ENGINE_READS)
    # Created empty: the first commit that changes a client (or the daily tick) builds the
    # profile from the clients (matching/engine/profile.py); until then the engine scans.
    op.create_table('pool_profile_basis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('income_limit_single', sa.Integer(), nullable=False),
    sa.Column('income_limit_multi', sa.Integer(), nullable=False),
    sa.Column('youth_min_age', sa.Integer(), nullable=False),
    sa.Column('youth_age', sa.Integer(), nullable=False),
    sa.Column('senior_age', sa.Integer(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('pool_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phase', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('flip_lease_ok', sa.Boolean(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('below_income_limit', sa.Boolean(), nullable=False),
    sa.Column('needs_mask', sa.Integer(), nullable=False),
    sa.Column('excluded_wijken', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('clients', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('phase', 'flip_lease_ok', 'persons', 'birth_year',
                        'below_income_limit', 'needs_mask', 'excluded_wijken',
                        name='uq_pool_profile_key')
    )
    op.create_table('pool_group_total',
    sa.Column('target_group', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('clients', sa.Integer(), nullable=False),
    sa.Column('since_ordinal_sum', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('target_group')
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_client_state_waiting_since', table_name='client')
        op.create_index('ix_client_state_waiting_since', 'client', ['state', 'waiting_since'])
    op.drop_table('pool_group_total')
    op.drop_table('pool_profile')
    op.drop_table('pool_profile_basis')
