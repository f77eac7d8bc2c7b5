"""`python -m servicedesk_common.migrate SERVICE MIGRATIONS_DIR`: bring one database up to date."""
import sys
from pathlib import Path

from .logs import configure_logging
from .migrations import upgrade
from .settings import Settings


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m servicedesk_common.migrate SERVICE MIGRATIONS_DIR", file=sys.stderr)
        return 2
    service, location = argv
    settings = Settings.from_env(service)
    configure_logging(f"{service}-migrate", settings.log_level)
    upgrade(Path(location), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
