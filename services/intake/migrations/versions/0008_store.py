"""attachment_chunks: attachment bytes in the database (SERVICEDESK_ATTACHMENT_STORE=database)

Revision ID: 0007_store
Revises: 0006_bulk
Create Date: 2026-12-03 14:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_store'
down_revision = '0006_bulk'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_chunks",
        sa.Column("storage_key", sa.String(255), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False))


def downgrade() -> None:
    op.drop_table("attachment_chunks")
