"""Knowledge's unit of work and repositories."""
from servicedesk_common.db import UnitOfWork


class KnowledgeUnitOfWork(UnitOfWork):
    def _open(self) -> None:
        pass
