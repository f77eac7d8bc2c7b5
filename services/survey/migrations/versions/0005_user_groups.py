"""user_groups: the survey form's Kelompok Pengguna as data an admin edits, seeded with FRM-004's

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 13:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

from survey.domain import DEFAULT_USER_GROUPS

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "user_groups",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("label", sa.String(60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False))
    op.bulk_insert(table, [{"code": code, "label": label, "position": index}
                           for index, (code, label) in enumerate(DEFAULT_USER_GROUPS.items())])


def downgrade() -> None:
    op.drop_table("user_groups")
