"""ticket list sorting: sla_due_at (the resolution due time, from sla's events) and an index
per sort field with the id as tie-break

Revision ID: 0005_desk
Revises: 0004
Create Date: 2026-12-03 12:50:00.000000
"""
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0005_desk'
down_revision = '0004'
branch_labels = None
depends_on = None

SORTED = ("created_at", "updated_at", "priority", "status", "title", "type", "category",
          "service", "channel", "group", "assignee", "client", "agency", "sla_due_at",
          "sla_state")


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_due_at', sa.DateTime(timezone=True), nullable=True))
    _fill_due_times()
    for name in SORTED:
        op.create_index(f'ix_tickets_sort_{name}', 'tickets', [name, 'id'])
    _trigram_indexes()


SEARCHED = ("(title || ' ' || body || ' ' || number || ' ' || coalesce(guest_email, '') "
            "|| ' ' || coalesce(client, ''))")  # intake.models.searched_text, as SQL


def _trigram_indexes() -> None:
    """q (ILIKE '%...%') over tickets and replies through pg_trgm GIN indexes. pg_trgm is a
    trusted extension (PostgreSQL 13+); where it cannot be created the search still works,
    by a scan."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return
    op.execute(f"CREATE INDEX ix_tickets_search_trgm ON tickets USING gin ({SEARCHED} "
               "gin_trgm_ops)")
    op.execute("CREATE INDEX ix_replies_body_trgm ON replies USING gin (body gin_trgm_ops)")


def _fill_due_times() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("UPDATE tickets SET sla_due_at = (sla->>'resolution_due_at')::timestamptz "
                   "WHERE sla->>'resolution_due_at' IS NOT NULL")
        return
    tickets = sa.table("tickets", sa.column("id"), sa.column("sla", sa.JSON),
                       sa.column("sla_due_at", sa.DateTime(timezone=True)))
    for row in bind.execute(sa.select(tickets.c.id, tickets.c.sla)).all():
        sla = row.sla if isinstance(row.sla, dict) else json.loads(row.sla or "null")
        due = (sla or {}).get("resolution_due_at")
        if due:
            moment = datetime.fromisoformat(due)
            moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
            bind.execute(tickets.update().where(tickets.c.id == row.id)
                         .values(sla_due_at=moment))


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_tickets_search_trgm")
    op.execute("DROP INDEX IF EXISTS ix_replies_body_trgm")
    for name in SORTED:
        op.drop_index(f'ix_tickets_sort_{name}', table_name='tickets')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('sla_due_at')
