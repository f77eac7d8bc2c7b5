"""staff told by e-mail: staff members seen, notification preferences, digest state on each
notification, and the mails table of the shared mailer

Revision ID: 0006_mail_out
Revises: 0005
Create Date: 2026-12-03 13:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import servicedesk_common.db

revision = '0006_mail_out'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_members',
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('last_seen_at', servicedesk_common.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_digest_at', servicedesk_common.db.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username')
    )
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_members_role'), ['role'], unique=False)
    op.create_table('notification_preferences',
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('username', 'kind')
    )
    op.create_table('mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=250), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', servicedesk_common.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', servicedesk_common.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', servicedesk_common.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.String(length=250), nullable=True),
    sa.Column('in_reply_to', sa.String(length=250), nullable=True),
    sa.Column('thread_refs', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('mails', schema=None) as batch_op:
        batch_op.create_index('ix_mails_due', ['next_attempt_at'], unique=False, postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'"))
        batch_op.create_index(batch_op.f('ix_mails_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_mails_message_id'), ['message_id'], unique=False)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_state', sa.String(length=12), nullable=True))
        batch_op.create_index('ix_notifications_unmailed', ['recipient'], unique=False, postgresql_where=sa.text("mail_state IS NULL"), sqlite_where=sa.text("mail_state IS NULL"))
    # What was told before this release is not mailed now.
    op.execute("UPDATE notifications SET mail_state = 'before'")


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_unmailed')
        batch_op.drop_column('mail_state')
    op.drop_table('mails')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_members_role'))
    op.drop_table('staff_members')
