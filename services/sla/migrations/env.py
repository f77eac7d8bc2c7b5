from servicedesk_common.messaging_tables import metadata as messaging
from servicedesk_common.migrations import run_env
from sla.models import Base

run_env([Base.metadata, messaging])
