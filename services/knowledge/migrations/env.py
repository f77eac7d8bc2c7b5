from knowledge.models import Base
from servicedesk_common.messaging_tables import metadata as messaging
from servicedesk_common.migrations import run_env


def mapped_only(name, type_, _parent) -> bool:
    """The FTS5 tables (and their shadow tables) belong to the migration, not to the models."""
    return not (type_ == "table" and "_fts" in (name or ""))


run_env([Base.metadata, messaging], include_name=mapped_only)
