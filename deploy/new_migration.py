"""Write a new Alembic revision from the models' changes (developers' tool):

    .venv/bin/python deploy/new_migration.py SERVICE "what changed" [REVISION_ID]

It brings a scratch SQLite database to head, then autogenerates the difference."""
import os
import sys
import tempfile
from pathlib import Path

from alembic import command

from servicedesk_common.migrations import alembic_config
from servicedesk_common.settings import Settings

service, message = sys.argv[1], sys.argv[2]
os.environ["SERVICEDESK_DATA_DIR"] = tempfile.mkdtemp()
os.environ["SERVICEDESK_DEV"] = "1"
os.environ.pop("SERVICEDESK_DATABASE_URL", None)
root = Path("services") / service if service != "gateway" else Path("gateway")
loc = root / "migrations"
settings = Settings.from_env(service)
cfg = alembic_config(loc, settings)
command.upgrade(cfg, "head")
revision_id = sys.argv[3] if len(sys.argv) > 3 else None
command.revision(cfg, message=message, autogenerate=True, rev_id=revision_id)
