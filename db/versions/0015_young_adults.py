"""young adults: self-contained dwellings, student complexes

A dwelling says whether it is self-contained (a room with shared facilities gets no housing
benefit, which the young-adult rent rule needs) and, for SSH, the student complex it belongs
to (at most a year's share of a complex's self-contained units may go to special groups).
Existing dwellings are self-contained and in no student complex.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 18:15:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('dwelling') as batch:
        batch.add_column(sa.Column('self_contained', sa.Boolean(), nullable=False,
                                   server_default=sa.text('true')))
        batch.add_column(sa.Column('student_complex',
                                   sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch.create_index('ix_dwelling_student_complex', ['student_complex'])


def downgrade() -> None:
    with op.batch_alter_table('dwelling') as batch:
        batch.drop_index('ix_dwelling_student_complex')
        batch.drop_column('student_complex')
        batch.drop_column('self_contained')
