"""retention and expiry: a client's personal fields can be erased (erased_at), stored
idempotent answers remember the clients they show and expire by age

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('client', schema=None) as batch_op:
        # Retention empties them for a client who left the process long enough ago.
        batch_op.alter_column('birth_year', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('annual_income', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('idempotent_request', schema=None) as batch_op:
        # The answers stored before this column showed clients unknown: none to log again
        # (they expire within a day anyway).
        batch_op.add_column(sa.Column('client_ids', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.create_index('ix_idempotent_request_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('idempotent_request', schema=None) as batch_op:
        batch_op.alter_column('client_ids', existing_type=sa.JSON(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('idempotent_request', schema=None) as batch_op:
        batch_op.drop_index('ix_idempotent_request_created_at')
        batch_op.drop_column('client_ids')

    # The older schema has no room for an erased value: an erased client keeps a zero.
    op.execute(sa.text("UPDATE client SET birth_year = 0 WHERE birth_year IS NULL"))
    op.execute(sa.text("UPDATE client SET annual_income = 0 WHERE annual_income IS NULL"))
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.alter_column('annual_income', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('birth_year', existing_type=sa.Integer(), nullable=False)
