"""sign-in throttle: one counter row per e-mail address and per network address, claimed
atomically by every attempt before its password is checked

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The failures already in login_attempt stay there as the record of failed sign-ins;
    # the new counters start empty, which at worst gives a guesser one fresh set of tries.
    op.create_table('sign_in_throttle',
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'value')
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_last_attempt_at'),
                              ['last_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_last_attempt_at'))
    op.drop_table('sign_in_throttle')
