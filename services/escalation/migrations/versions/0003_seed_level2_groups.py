"""seed level-2 groups

The three level-2 groups of DOMAIN.md (Tabel 2) with their default categories and the demo
technicians as members; an admin edits all of it afterwards through /api/v1/groups.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 08:43:37.986084
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from escalation.domain import DEFAULT_GROUPS


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

groups = sa.table("groups", sa.column("code"), sa.column("name"), sa.column("description"),
                  sa.column("active", sa.Boolean), sa.column("created_at", sa.DateTime(True)),
                  sa.column("updated_at", sa.DateTime(True)))
members = sa.table("group_members", sa.column("group_code"), sa.column("username"),
                   sa.column("position"), sa.column("added_at", sa.DateTime(True)))
routes = sa.table("category_routes", sa.column("category"), sa.column("group_code"),
                  sa.column("changed_by"), sa.column("changed_at", sa.DateTime(True)))


def upgrade() -> None:
    now = datetime.now(UTC)
    op.bulk_insert(groups, [{"code": g["code"], "name": g["name"],
                             "description": g["description"], "active": True,
                             "created_at": now, "updated_at": now} for g in DEFAULT_GROUPS])
    op.bulk_insert(members, [{"group_code": g["code"], "username": username,
                              "position": position, "added_at": now}
                             for g in DEFAULT_GROUPS
                             for position, username in enumerate(g["members"])])
    op.bulk_insert(routes, [{"category": category, "group_code": g["code"],
                             "changed_by": "seed", "changed_at": now}
                            for g in DEFAULT_GROUPS for category in g["categories"]])


def downgrade() -> None:
    codes = [g["code"] for g in DEFAULT_GROUPS]
    op.execute(routes.delete().where(routes.c.group_code.in_(codes)))
    op.execute(members.delete().where(members.c.group_code.in_(codes)))
    op.execute(groups.delete().where(groups.c.code.in_(codes)))
