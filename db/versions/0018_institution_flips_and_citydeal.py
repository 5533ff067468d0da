"""institution flips and the City Deal contingent

An institution dwelling flipped to a regular lease for a client has no dwelling row: its
lease carries the district (wijk) itself. A client of target group citydeal carries the day
the Citydeal-overleg nominated it. Both are empty for the rows written before.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 18:18:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('lease') as batch:
        batch.add_column(sa.Column('wijk', sqlmodel.sql.sqltypes.AutoString(length=60),
                                   nullable=True))
        batch.create_foreign_key('fk_lease_wijk_district', 'district', ['wijk'], ['name'])
    with op.batch_alter_table('client') as batch:
        batch.add_column(sa.Column('citydeal_nominated_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('client') as batch:
        batch.drop_column('citydeal_nominated_on')
    with op.batch_alter_table('lease') as batch:
        batch.drop_constraint('fk_lease_wijk_district', type_='foreignkey')
        batch.drop_column('wijk')
