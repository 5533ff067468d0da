"""the access log as NEN 7513 expects

Each row gains the role, the action, the access point, the fields touched and the request
id, and a hash chain (`seq`, `prev_hash`, `row_hash`) that shows any change or gap. The
foreign key to the client goes: the log outlives what it records, and appending behind the
chain's lock must never wait for a row lock on a client. On PostgreSQL a trigger refuses
UPDATE, DELETE and TRUNCATE of the log.

Rows written before this revision were all reads; they are chained in the order they were
written, with what was recorded then (no role or access point).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:00:00.000000
"""
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

# The chain's digest is the one `matching audit verify` checks every row with, so the rows
# chained here must be hashed by it and no copy of it.
from matching.audit.chain import GENESIS, link

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, type) of the new columns, all required once the existing rows are filled in.
REQUIRED = (
    ('seq', sa.Integer()),
    ('role', sqlmodel.sql.sqltypes.AutoString(length=20)),
    ('action', sqlmodel.sql.sqltypes.AutoString(length=10)),
    ('access_point', sqlmodel.sql.sqltypes.AutoString(length=200)),
    ('fields_touched', sqlmodel.sql.sqltypes.AutoString(length=1000)),
    ('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64)),
    ('row_hash', sqlmodel.sql.sqltypes.AutoString(length=64)),
)
REQUEST_ID = ('request_id', sqlmodel.sql.sqltypes.AutoString(length=64))

# PostgreSQL's name for the foreign key to the client; SQLite's has none, so batch mode
# names it by PostgreSQL's convention to drop it.
CLIENT_KEY = 'access_log_client_id_fkey'
NAMING = {'fk': '%(table_name)s_%(column_0_name)s_fkey'}

TRIGGER = (
    """CREATE OR REPLACE FUNCTION access_log_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'the access log is append-only: ' || TG_OP || ' refused';
    END;
    $$""",
    """CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()""",
    """CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()""",
)

_BATCH = 10_000

_log = sa.table(
    'access_log',
    sa.column('id', sa.Integer()), sa.column('at', sa.DateTime(timezone=True)),
    sa.column('user_id', sa.Integer()), sa.column('organisation_id', sa.Integer()),
    sa.column('client_id', sa.Integer()), sa.column('purpose', sa.String()),
    *(sa.column(name, sa.String()) for name, _ in REQUIRED if name != 'seq'),
    sa.column('seq', sa.Integer()), sa.column('request_id', sa.String()),
)


def _chain_existing_rows() -> None:
    bind = op.get_bind()
    last_id, last_seq, last_hash = 0, 0, GENESIS
    while True:
        rows = bind.execute(
            sa.select(_log.c.id, _log.c.at, _log.c.user_id, _log.c.organisation_id,
                      _log.c.client_id, _log.c.purpose)
            .where(_log.c.id > last_id).order_by(_log.c.id).limit(_BATCH)
        ).mappings().all()
        if not rows:
            return
        values: list[dict[str, Any]] = [
            {'row_id': r['id'], 'at': r['at'], 'user_id': r['user_id'], 'role': '',
             'organisation_id': r['organisation_id'], 'action': 'read',
             'purpose': r['purpose'], 'access_point': 'not recorded',
             'client_id': r['client_id'], 'fields_touched': '', 'request_id': None}
            for r in rows
        ]
        link(values, last_seq=last_seq, last_hash=last_hash)
        bind.execute(
            sa.update(_log).where(_log.c.id == sa.bindparam('row_id')).values(
                {name: sa.bindparam(name) for name, _ in REQUIRED}),
            [{k: v[k] for k in ('row_id', *(name for name, _ in REQUIRED))} for v in values],
        )
        last_id, last_seq, last_hash = rows[-1]['id'], values[-1]['seq'], values[-1]['row_hash']


def upgrade() -> None:
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        for name, kind in (*REQUIRED, REQUEST_ID):
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    _chain_existing_rows()
    with op.batch_alter_table('access_log', schema=None, naming_convention=NAMING) as batch_op:
        for name, kind in REQUIRED:
            batch_op.alter_column(name, existing_type=kind, nullable=False)
        batch_op.drop_constraint(CLIENT_KEY, type_='foreignkey')
        batch_op.create_index('uq_access_log_seq', ['seq'], unique=True)
    if op.get_bind().dialect.name == 'postgresql':
        for statement in TRIGGER:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER access_log_no_truncate ON access_log')
        op.execute('DROP TRIGGER access_log_append_only ON access_log')
        op.execute('DROP FUNCTION access_log_refuse_change()')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('uq_access_log_seq')
        for name, _ in reversed((*REQUIRED, REQUEST_ID)):
            batch_op.drop_column(name)
        batch_op.create_foreign_key(CLIENT_KEY, 'client', ['client_id'], ['id'])
