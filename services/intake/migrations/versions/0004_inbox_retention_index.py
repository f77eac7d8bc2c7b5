"""inbox index on processed_at: retention deletes the oldest marks without a table scan

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00.000000
"""
from alembic import op

from servicedesk_common.retention import add_inbox_index, drop_inbox_index

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_inbox_index(op)


def downgrade() -> None:
    drop_inbox_index(op)
