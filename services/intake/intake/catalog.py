"""The catalog as triage publishes it (GET /api/v1/catalog), fetched over HTTP and kept for a
short while. When triage does not answer, the last copy is used; with no copy at all, tickets
are still accepted (triage flags a wrong category when it classifies them)."""
from __future__ import annotations

import json
import logging
import threading
import time
from typing import Protocol

import urllib3

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE_SECONDS = 5.0


class CatalogSource(Protocol):
    def current(self) -> dict | None:
        """The catalog in the contract's shape, or None when it cannot be had."""

    def refresh(self, since: float) -> bool:
        """Make sure the copy is no older than `since` (time.monotonic() when the request that
        a copy refused arrived: an admin may just have added what it names); True when the
        copy now is."""


class StaticCatalog:
    def __init__(self, catalog: dict | None):
        self.catalog = catalog

    def current(self) -> dict | None:
        return self.catalog

    def refresh(self, since: float) -> bool:
        return False


class HttpCatalog:
    def __init__(self, base_url: str, *, ttl: float, timeout: float, clock=time.monotonic):
        self.url = base_url.rstrip("/") + "/api/v1/catalog"
        self.ttl = ttl
        self.clock = clock
        self.pool = urllib3.PoolManager(num_pools=1, maxsize=4, retries=False,
                                        timeout=urllib3.Timeout(connect=timeout, read=timeout))
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self._catalog: dict | None = None
        self._fetched_at = float("-inf")
        self._failed_at = float("-inf")

    def current(self) -> dict | None:
        now = self.clock()
        with self._lock:
            fresh = now - self._fetched_at < self.ttl
            resting = now - self._failed_at < min(self.ttl, RETRY_AFTER_FAILURE_SECONDS)
            if fresh or resting:
                return self._catalog
        catalog = self._fetch()
        with self._lock:
            if catalog is None:
                self._failed_at = now
            else:
                self._catalog, self._fetched_at = catalog, now
            return self._catalog

    def refresh(self, since: float) -> bool:
        # One refresh at a time; the requests that wait for it use its copy, which was asked
        # for after they arrived. A copy asked for before `since` may miss an admin's change
        # made just before the request, however recent it is.
        with self._refreshing:
            now = self.clock()
            with self._lock:
                if self._fetched_at >= since:
                    return True
                if now - self._failed_at < RETRY_AFTER_FAILURE_SECONDS:
                    return False  # triage is away: no wait on every refused ticket
            catalog = self._fetch()
            with self._lock:
                if catalog is None:
                    self._failed_at = now
                    return False
                self._catalog, self._fetched_at = catalog, now
                return True

    def _fetch(self) -> dict | None:
        try:
            response = self.pool.request("GET", self.url)
            if response.status != 200:
                raise ValueError(f"status {response.status}")
            catalog = json.loads(response.data)
            if not isinstance(catalog.get("types"), list) or not isinstance(
                    catalog.get("categories"), list):
                raise ValueError("not a catalog")
            return catalog
        except (urllib3.exceptions.HTTPError, ValueError, AttributeError) as exc:
            log.warning("event=catalog_unavailable url=%s error=%r", self.url, exc)
            return None


def catalog_source(triage_url: str | None, *, ttl: float, timeout: float) -> CatalogSource:
    return HttpCatalog(triage_url, ttl=ttl, timeout=timeout) if triage_url \
        else StaticCatalog(None)
