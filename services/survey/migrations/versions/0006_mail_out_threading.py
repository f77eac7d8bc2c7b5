"""mails: Message-ID, In-Reply-To and References per mail (a ticket's mails thread); ticket
contacts keep the tracking token, so every mail carries the tracking link

Revision ID: 0006_mail_out
Revises: 0005
Create Date: 2026-12-03 13:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_mail_out'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('in_reply_to', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('thread_refs', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_mails_message_id'), ['message_id'], unique=False)
    with op.batch_alter_table('ticket_contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_token', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ticket_contacts', schema=None) as batch_op:
        batch_op.drop_column('tracking_token')
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mails_message_id'))
        batch_op.drop_column('thread_refs')
        batch_op.drop_column('in_reply_to')
        batch_op.drop_column('message_id')
