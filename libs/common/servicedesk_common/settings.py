"""Environment -> settings, in one place. Built once per process at start, never at import."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

log = logging.getLogger(__name__)

SERVICES = ("intake", "triage", "escalation", "sla", "survey", "knowledge")
ALL_PROCESSES = SERVICES + ("gateway",)

QUEUE_TYPES = ("classic", "quorum")  # "quorum": replicated queues for a RabbitMQ cluster
# "transaction": the database URL is a PgBouncer in transaction mode (db.make_engine)
DATABASE_POOLERS = ("none", "transaction")
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"

MIN_SECRET_KEY_BYTES = 32
# Values published in this repository or typed by habit: a key anyone can guess signs anyone's
# admin token. Compared lower-cased; a key containing one of the first group is refused too.
PLACEHOLDER_PARTS = ("change-me", "changeme", "change_me", "replace-me", "your-secret")
PLACEHOLDER_KEYS = frozenset({
    "change-me-to-a-long-random-string", "dev", "secret", "test", "test-secret-key",
    "password", "servicedesk", "secret-key", "secretkey", "development", "insecure",
})


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_int(name: str, default: int) -> int:
    raw = env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = env(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None


def env_int_list(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = env(name)
    if raw is None:
        return default
    try:
        return tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise SettingsError(f"{name} must be comma-separated whole numbers, got {raw!r}") from None


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env(name, default).lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def database_url_for(service: str, raw_url: str | None, data_dir: Path) -> str:
    """One database per service: a SQLite file, a `{service}` database, or a schema (see db.py)."""
    if raw_url is None:
        return f"sqlite:///{data_dir / (service + '.db')}"
    return raw_url.replace("{service}", service)


@dataclass(frozen=True)
class Settings:
    service: str
    amqp_url: str
    bus_prefix: str
    database_url: str
    shares_database: bool  # one PostgreSQL database for all: each service then has its own schema
    data_dir: Path
    gateway_port: int
    secret_key: str
    demo_password: str | None
    retry_delays_ms: tuple[int, ...]
    relay_batch: int
    relay_idle_seconds: float
    prefetch: int
    log_level: str
    service_urls: dict[str, str] = field(default_factory=dict)
    queue_report_seconds: float = 30.0  # how often a worker logs its queue and DLQ depths
    queue_type: str = "classic"  # "quorum" for a RabbitMQ cluster (bus.Topology)
    retention_days: float = 14.0  # sent outbox rows and inbox marks older than this go (0: keep)
    retention_interval_seconds: float = 3600.0
    database_pooler: str = "none"
    database_direct_url: str | None = None  # PostgreSQL itself past a pooler (None: the same)
    bus_users: bool = False  # each service connects as its own RabbitMQ user (bus_users.py)

    # One secret, one derived key per use: a value signed for one use is worthless in another.
    @property
    def token_key(self) -> str:
        """Signs bearer tokens (API logins, the console's stored token)."""
        return derive_key(self.secret_key, "bearer-token")

    @property
    def session_key(self) -> str:
        """Signs the console's session cookie (Flask's secret_key)."""
        return derive_key(self.secret_key, "console-session")

    @property
    def identity_key(self) -> str:
        """Signs the identity the gateway passes to the services."""
        return derive_key(self.secret_key, "service-identity")

    @classmethod
    def from_env(cls, service: str) -> Settings:
        data_dir = Path(env("SERVICEDESK_DATA_DIR", "./var")).resolve()
        raw_db = env("SERVICEDESK_DATABASE_URL")
        direct_db = env("SERVICEDESK_DATABASE_DIRECT_URL")
        demo_password = env("SERVICEDESK_DEMO_PASSWORD")
        secret_key = _secret_key(demo_password)
        bus_prefix = env("SERVICEDESK_BUS_PREFIX", "servicedesk")
        users = env_flag("SERVICEDESK_BUS_USERS")
        amqp_url = env("SERVICEDESK_AMQP_URL", DEFAULT_AMQP_URL)
        if users and service in SERVICES:
            amqp_url = with_login(amqp_url, bus_user(bus_prefix, service),
                                  bus_password(secret_key, bus_prefix, service))
        return cls(
            service=service,
            amqp_url=amqp_url,
            bus_prefix=bus_prefix,
            bus_users=users,
            database_url=database_url_for(service, raw_db, data_dir),
            shares_database=raw_db is not None and "{service}" not in raw_db
            and not raw_db.startswith("sqlite"),
            data_dir=data_dir,
            gateway_port=env_int("SERVICEDESK_GATEWAY_PORT", 8080),
            secret_key=secret_key,
            demo_password=demo_password,
            retry_delays_ms=env_int_list("SERVICEDESK_RETRY_DELAYS_MS", (1000, 5000, 30000)),
            relay_batch=env_int("SERVICEDESK_RELAY_BATCH", 200),
            relay_idle_seconds=env_float("SERVICEDESK_RELAY_IDLE_SECONDS", 0.05),
            prefetch=env_int("SERVICEDESK_PREFETCH", 20),
            log_level=env("SERVICEDESK_LOG_LEVEL", "INFO").upper(),
            service_urls={name: env(f"SERVICEDESK_{name.upper()}_URL", "") for name in SERVICES},
            queue_report_seconds=env_float("SERVICEDESK_QUEUE_REPORT_SECONDS", 30.0),
            retention_days=env_float("SERVICEDESK_RETENTION_DAYS", 14.0),
            retention_interval_seconds=env_float("SERVICEDESK_RETENTION_INTERVAL_SECONDS",
                                                 3600.0),
            queue_type=env_choice("SERVICEDESK_QUEUE_TYPE", QUEUE_TYPES, "classic"),
            database_pooler=env_choice("SERVICEDESK_DATABASE_POOLER", DATABASE_POOLERS, "none"),
            database_direct_url=database_url_for(service, direct_db, data_dir)
            if direct_db else None,
        )


def env_flag(name: str) -> bool:
    raw = env(name, "0")
    if raw not in ("0", "1"):
        raise SettingsError(f"{name} must be 1 or 0, got {raw!r}")
    return raw == "1"


def derive_key(secret: str, purpose: str) -> str:
    """HMAC-SHA256 of the purpose under the one secret (an HKDF expand step of one block)."""
    return hmac.new(secret.encode(), f"servicedesk/{purpose}".encode(), hashlib.sha256).hexdigest()


def bus_user(prefix: str, service: str) -> str:
    return f"{prefix}.{service}"


def bus_password(secret: str, prefix: str, service: str) -> str:
    return derive_key(secret, f"bus-user/{bus_user(prefix, service)}")


def with_login(url: str, username: str, password: str) -> str:
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    netloc = f"{quote(username, safe='')}:{quote(password, safe='')}@{host}"
    return parsed._replace(netloc=netloc + (f":{parsed.port}" if parsed.port else "")).geturl()


def secret_key_problem(key: str) -> str | None:
    """Why this key must not sign anything, or None when it may."""
    if len(key.encode()) < MIN_SECRET_KEY_BYTES:
        return f"it is shorter than {MIN_SECRET_KEY_BYTES} bytes"
    lowered = key.strip().lower()
    if lowered in PLACEHOLDER_KEYS or any(part in lowered for part in PLACEHOLDER_PARTS):
        return "it is a known placeholder"
    return None


def checked_secret_key(key: str) -> str:
    problem = secret_key_problem(key)
    if problem:
        message = (f"SERVICEDESK_SECRET_KEY is refused: {problem}. Set it to a random string of "
                   f"at least {MIN_SECRET_KEY_BYTES} bytes, e.g. the output of "
                   "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`")
        log.critical("event=secret_key_refused %s", message)
        raise SettingsError(message)
    return key


def _secret_key(demo_password: str | None) -> str:
    key = env("SERVICEDESK_SECRET_KEY")
    if key:
        return checked_secret_key(key)
    if demo_password is not None or env("SERVICEDESK_DEV") == "1":
        # Demo and tests only: a key per process group would break tokens between processes,
        # so the launcher passes one key to every process it starts.
        return secrets.token_urlsafe(32)
    raise SettingsError(
        "SERVICEDESK_SECRET_KEY is required outside demo mode "
        "(set it to a long random string, or set SERVICEDESK_DEMO_PASSWORD for a demo)"
    )
