"""district to spare: the spreading report flags districts with much social housing

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('district', schema=None) as batch_op:
        batch_op.add_column(sa.Column('to_spare', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # A database loaded before this flag existed gets Overvecht's at once, as
    # seeds/districts.csv sets it on the next `matching seed reference` ([001]).
    op.execute(sa.text("UPDATE district SET to_spare = :yes WHERE name = 'Overvecht'")
               .bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table('district', schema=None) as batch_op:
        batch_op.drop_column('to_spare')
