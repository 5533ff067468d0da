"""corporation hotels and the municipality of origin

A client in a corporation hotel carries the day the stay began and the hotel (single or
family); every client may carry the municipality it comes from (Utrecht or a U16
municipality), so each municipality's own inflow shows in the reports. All three are empty
for the clients registered before.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 18:16:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('client') as batch:
        batch.add_column(sa.Column('hotel_stay_since', sa.Date(), nullable=True))
        batch.add_column(sa.Column('hotel_kind', sqlmodel.sql.sqltypes.AutoString(length=10),
                                   nullable=True))
        batch.add_column(sa.Column('origin_municipality',
                                   sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('client') as batch:
        batch.drop_column('origin_municipality')
        batch.drop_column('hotel_kind')
        batch.drop_column('hotel_stay_since')
