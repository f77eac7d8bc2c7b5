"""canned replies: the supervisor's reply templates

Revision ID: 0006_bulk
Revises: 0005_mail_in
Create Date: 2026-12-03 14:05:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_bulk'
down_revision = '0005_mail_in'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(120), nullable=False, unique=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False))


def downgrade() -> None:
    op.drop_table("canned_replies")
