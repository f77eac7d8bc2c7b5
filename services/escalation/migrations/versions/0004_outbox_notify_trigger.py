"""outbox NOTIFY trigger: every INSERT into the outbox wakes the relay (PostgreSQL), so a
writer needs no pg_notify statement of its own

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 12:00:00.000000
"""
from alembic import op

from servicedesk_common.outbox import install_notify_trigger, remove_notify_trigger

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    install_notify_trigger(op, "escalation")


def downgrade() -> None:
    remove_notify_trigger(op)
