"""Escalation's unit of work and repositories."""
from servicedesk_common.db import UnitOfWork


class EscalationUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        pass
