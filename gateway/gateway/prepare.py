"""`python -m gateway.prepare`: migrate the gateway's database and create the demo accounts."""
import sys
from pathlib import Path

from servicedesk_common.db import make_engine, session_factory
from servicedesk_common.logs import configure_logging
from servicedesk_common.migrations import upgrade
from servicedesk_common.settings import Settings

from .adapters import GatewayUnitOfWork
from .auth import ensure_demo_accounts

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def prepare(settings: Settings, engine=None) -> None:
    engine = engine or make_engine(settings, pool_size=1)
    upgrade(MIGRATIONS, settings, engine)
    if settings.demo_password:
        with GatewayUnitOfWork(session_factory(engine), producer="gateway") as uow:
            ensure_demo_accounts(settings.demo_password, uow=uow)
            uow.commit()


if __name__ == "__main__":
    settings = Settings.from_env("gateway")
    configure_logging("gateway-prepare", settings.log_level)
    prepare(settings)
    sys.exit(0)
