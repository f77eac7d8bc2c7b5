"""kb_tickets.closed_in_group: a ticket solved by a level-2 group is not "known at diagnosis"

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 13:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("kb_tickets", sa.Column("closed_in_group", sa.String(60)))


def downgrade() -> None:
    op.drop_column("kb_tickets", "closed_in_group")
