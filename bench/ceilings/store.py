"""Ceiling 2, the far end of the minimal chain: a bare Flask app that inserts the ticket and one
outbox row (the spine's own outbox table) in one transaction with SQLAlchemy Core on PostgreSQL,
and answers 201 with the ticket. No validation, identity, history or read model: the floor of
what recording a ticket costs on this machine.

    BENCH_STORE_DATABASE_URL=postgresql://... gunicorn -c deploy/gunicorn.conf.py \
        --pythonpath bench/ceilings 'store:create_app()'
"""
from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, request
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    MetaData,
    Sequence,
    String,
    Table,
    Text,
    create_engine,
    insert,
)

from servicedesk_common.db import normalize_url
from servicedesk_common.messaging_tables import outbox

metadata = MetaData()
number_sequence = Sequence("ticket_numbers", metadata=metadata)
tickets = Table(
    "tickets", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("type", String(32), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("category", String(60)),
    Column("service", String(120)),
    Column("channel", String(20)),
    Column("status", String(20), nullable=False),
    Column("urgency", String(10)),
    Column("impact", String(10)),
    Column("client", String(120)),
    Column("contact_name", String(120)),
    Column("contact_phone", String(40)),
    Column("agency", String(160)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("extra", JSON),
)
FIELDS = ("type", "title", "body", "category", "service", "channel", "urgency", "impact",
          "client", "contact_name", "contact_phone", "agency")


def engine_for(url: str):
    return create_engine(normalize_url(url), pool_size=5, max_overflow=10)


def prepare(url: str) -> None:
    """Create the tables (the runner calls this once, before gunicorn starts)."""
    from servicedesk_common.messaging_tables import metadata as messaging

    engine = engine_for(url)
    metadata.create_all(engine)
    messaging.create_all(engine, tables=[outbox])
    engine.dispose()


def create_app() -> Flask:
    app = Flask(__name__)
    engine = engine_for(os.environ["BENCH_STORE_DATABASE_URL"])

    @app.post("/api/v1/tickets")
    def create():
        data = request.get_json()
        now = datetime.now(UTC)
        row = {name: data.get(name) for name in FIELDS}
        row["type"] = row["type"] or "incident"
        row.update(status="new", created_at=now)
        with engine.begin() as conn:
            sequence = conn.execute(number_sequence.next_value()).scalar_one()
            row["number"] = f"INC-2026-{sequence:06d}"
            conn.execute(insert(tickets).values(**row))
            payload = {**row, "created_at": now.isoformat()}
            conn.execute(insert(outbox).values(
                message_id=str(uuid.uuid4()), type="ticket.created", version=1,
                aggregate_id=row["number"], producer="intake", occurred_at=now.isoformat(),
                payload=payload))
        return Response(json.dumps(payload), status=201, mimetype="application/json")

    return app
