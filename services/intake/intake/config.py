"""Intake's own settings, from the environment with safe defaults (built once at start)."""
from __future__ import annotations

from dataclasses import dataclass

from servicedesk_common.settings import SettingsError, env, env_choice, env_float, env_int

from .filetypes import DEFAULT_ALLOWED, KINDS


@dataclass(frozen=True)
class IntakeConfig:
    attachment_max_bytes: int = 10 * 1024 * 1024
    # A DOCX/XLSX is a zip: a small upload may unpack to gigabytes in a viewer (a zip bomb).
    attachment_max_unpacked_bytes: int = 100 * 1024 * 1024
    attachment_types: tuple[str, ...] = DEFAULT_ALLOWED
    catalog_cache_seconds: float = 30.0
    catalog_timeout_seconds: float = 2.0
    reopen_days: int = 7

    @classmethod
    def from_env(cls) -> IntakeConfig:
        raw_types = env("SERVICEDESK_ATTACHMENT_TYPES")
        types = DEFAULT_ALLOWED if raw_types is None else tuple(
            part.strip().lower() for part in raw_types.split(",") if part.strip())
        unknown = sorted(set(types) - set(KINDS))
        if unknown:
            raise SettingsError(f"SERVICEDESK_ATTACHMENT_TYPES: unknown {', '.join(unknown)}; "
                                f"choose from {', '.join(KINDS)}")
        config = cls(
            attachment_max_bytes=env_int("SERVICEDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
            attachment_max_unpacked_bytes=env_int("SERVICEDESK_ATTACHMENT_MAX_UNPACKED_BYTES",
                                                  100 * 1024 * 1024),
            attachment_types=types,
            catalog_cache_seconds=env_float("SERVICEDESK_CATALOG_CACHE_SECONDS", 30.0),
            catalog_timeout_seconds=env_float("SERVICEDESK_CATALOG_TIMEOUT_SECONDS", 2.0),
            reopen_days=env_int("SERVICEDESK_REOPEN_DAYS", 7))
        if config.attachment_max_bytes < 1:
            raise SettingsError("SERVICEDESK_ATTACHMENT_MAX_BYTES must be at least 1")
        return config


IMAP_SECURITY = ("ssl", "starttls", "none")


@dataclass(frozen=True)
class MailboxConfig:
    """The office mailbox intake reads (API.md "E-mail channel"); no host: no inbound mail."""
    host: str | None = None
    port: int = 993
    user: str | None = None
    password: str | None = None
    security: str = "ssl"
    folder: str = "INBOX"
    done_folder: str = "Processed"
    poll_seconds: float = 30.0
    idle_seconds: float = 300.0  # RFC 2177: renew IDLE well within 29 minutes
    own_addresses: tuple[str, ...] = ()

    @classmethod
    def from_env(cls) -> MailboxConfig:
        security = env_choice("SERVICEDESK_IMAP_SECURITY", IMAP_SECURITY, "ssl")
        user = env("SERVICEDESK_IMAP_USER")
        own = tuple(a.lower() for a in (user, env("SERVICEDESK_SMTP_FROM")) if a and "@" in a)
        return cls(host=env("SERVICEDESK_IMAP_HOST") or None,
                   port=env_int("SERVICEDESK_IMAP_PORT", 993 if security == "ssl" else 143),
                   user=user, password=env("SERVICEDESK_IMAP_PASSWORD"), security=security,
                   folder=env("SERVICEDESK_IMAP_FOLDER", "INBOX"),
                   done_folder=env("SERVICEDESK_IMAP_DONE_FOLDER", "Processed"),
                   poll_seconds=env_float("SERVICEDESK_IMAP_POLL_SECONDS", 30.0),
                   idle_seconds=env_float("SERVICEDESK_IMAP_IDLE_SECONDS", 300.0),
                   own_addresses=own)
