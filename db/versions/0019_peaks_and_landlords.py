"""submission peaks, earmarks and landlords without agreements

A landlord without performance agreements on priority groups (a private landlord) may not
submit dwellings: it lets via WoningNet. Every existing organisation keeps its agreements.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 18:19:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(sa.Column('has_agreements', sa.Boolean(), nullable=False,
                                   server_default=sa.text('true')))


def downgrade() -> None:
    with op.batch_alter_table('organisation') as batch:
        batch.drop_column('has_agreements')
