"""catalog revision: one row whose value every admin write of the catalog or matrix changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 11:45:00.000000
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('catalog_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # random, not a counter: a database made again from scratch (or restored from a backup)
    # never shows a revision that a running process holds a different copy for
    op.bulk_insert(table, [{'id': 1, 'revision': uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table('catalog_revision')
