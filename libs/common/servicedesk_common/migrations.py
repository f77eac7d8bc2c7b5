"""Alembic, run at start: every service's migrations/env.py calls `run_env`."""
from __future__ import annotations

import logging
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text

from .db import make_engine
from .settings import Settings

log = logging.getLogger(__name__)


def alembic_config(script_location: Path, settings: Settings, engine=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["settings"] = settings
    config.attributes["engine"] = engine
    return config


def upgrade(script_location: Path, settings: Settings, engine=None) -> None:
    """Bring the service's database to the newest revision (idempotent)."""
    engine = engine or make_engine(settings, pool_size=1)
    command.upgrade(alembic_config(script_location, settings, engine), "head")
    log.info("event=migrated service=%s", settings.service)


def run_env(target_metadata: list[MetaData], *, include_name=None) -> None:
    """The body of every migrations/env.py (online mode only: we always have the database).

    ``include_name``: Alembic's hook to keep autogenerate away from tables the models do not
    map (e.g. SQLite FTS5 tables); None includes everything."""
    config = context.config
    engine = config.attributes.get("engine") or make_engine(config.attributes["settings"])
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite",
                          compare_type=True, include_name=include_name)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":  # web and worker may start together
                connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                                   {"name": "migrate-" + config.attributes["settings"].service})
            context.run_migrations()
        connection.commit()
