from intake.models import Base
from servicedesk_common.messaging_tables import metadata as messaging
from servicedesk_common.migrations import run_env

run_env([Base.metadata, messaging])
