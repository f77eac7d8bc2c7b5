from servicedesk_common.messaging_tables import metadata as messaging
from servicedesk_common.migrations import run_env
from triage.models import Base

run_env([Base.metadata, messaging])
