"""Intake's own settings, from the environment with safe defaults (built once at start)."""
from __future__ import annotations

from dataclasses import dataclass

from servicedesk_common.settings import SettingsError, env, env_float, env_int

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
