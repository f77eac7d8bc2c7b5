"""outbox NOTIFY trigger: every INSERT into the outbox wakes the relay (PostgreSQL), so a
writer needs no pg_notify statement of its own

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:00:00.000000
"""
from alembic import op

from servicedesk_common.outbox import drop_notify_trigger_statements, notify_trigger_statements

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in notify_trigger_statements("intake"):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in drop_notify_trigger_statements():
            op.execute(statement)
