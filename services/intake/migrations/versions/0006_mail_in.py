"""inbound mail: received_mail (each Message-ID once), mail_quarantine, unread client replies

Revision ID: 0005_mail_in
Revises: 0005_desk
Create Date: 2026-12-03 13:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_mail_in'
down_revision = '0005_desk'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "received_mail",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(254)),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("ticket_number", sa.String(20), index=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True))
    op.create_table(
        "mail_quarantine",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(254)),
        sa.Column("subject", sa.Text()),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("ticket_number", sa.String(20)))
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("unread_client_replies", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("unread_client_replies")
    op.drop_table("mail_quarantine")
    op.drop_table("received_mail")
