"""Live progress of an import, shared between the worker and the web through the cache.

The import runs in one database transaction, so nothing it writes to the database is
visible until it ends; progress therefore goes through the cache, which every mode shares
with the page that polls it: Redis with a Redis broker (worker and web are separate
processes), process memory in the embedded mode (the import runs on a thread of the web
process, see ``core.tasks.start_on_commit``), files with any other broker.
Progress is best effort: a cache that is down (Redis restarting) must never fail an
import or a page, so every cache call here logs the error and carries on.
"""

import logging
import time
from dataclasses import asdict, dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)

KEY = "report-progress:{}"
TTL_SECONDS = 24 * 3600


@dataclass
class ImportProgress:
    rows_read: int = 0
    rows_rejected: int = 0
    bytes_read: int = 0
    size: int = 0
    started: float = 0.0
    updated: float = 0.0
    phase: str = "reading"

    @property
    def percent(self) -> int:
        if not self.size:
            return 0
        return min(99, int(self.bytes_read * 100 / self.size))

    @property
    def rows_per_second(self) -> float | None:
        elapsed = self.updated - self.started
        return self.rows_read / elapsed if elapsed > 0 and self.rows_read else None


def publish(report_id: int, progress: ImportProgress) -> None:
    progress.updated = time.time()
    try:
        cache.set(KEY.format(report_id), asdict(progress), TTL_SECONDS)
    except Exception as exc:
        logger.warning("progress of report %s not published (cache unavailable: %s)", report_id, exc)


def read(report_id: int) -> ImportProgress | None:
    try:
        data = cache.get(KEY.format(report_id))
    except Exception as exc:
        logger.warning("progress of report %s not read (cache unavailable: %s)", report_id, exc)
        return None
    return ImportProgress(**data) if data else None


def clear(report_id: int) -> None:
    try:
        cache.delete(KEY.format(report_id))
    except Exception as exc:
        logger.warning("progress of report %s not cleared (cache unavailable: %s)", report_id, exc)
