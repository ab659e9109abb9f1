"""The version of what the portal shows, and the cache of pages keyed by it.

A REST client polling ``/api/v1/sla-status/`` every minute, or a manager reloading the
dashboard, asks for the same answer again and again while nothing changed. Each change to
what those answers show bumps a counter (:func:`bump`) *in the same transaction* as the
change, so the version and the data commit (or roll back) together: a reader that sees the
new version also sees the new data, and a rolled-back edit leaves the version alone. The
version is the sum of all counters (:func:`current`), which grows with every committed bump.

There is one counter row per contract (``contract:<id>``), provider, process and so on
rather than one global row: a bump locks its row until commit, and with a single row two
recomputes of different contracts would queue behind each other's lock.

A model saved outside a transaction (autocommit) commits its row, then its bump: a reader in
between may cache the *new* data under the old version, which is harmless. Only a process
killed between those two statements would leave the old page cached under the current
version, and then for at most :data:`CACHE_SECONDS`; services that write in bulk bump inside
their transaction.

Where the version lives: in the database, not in the cache. A bump written to Redis could
be lost in a Redis hiccup (or in a crash between the commit and the write), and every
later reader would then be served the page from before the change; a row written in the
change's transaction cannot be lost that way. Reading it costs one small query.

The cache itself (:func:`cache_get`, :func:`cache_set`: a few entries in the process, then
Redis) is an optimisation only: any error
of the cache backend is logged and treated as a miss, so a Redis outage degrades to
uncached answers, never to a 500 and never to a stale answer (the key holds the version).

Which changes bump is declared with :func:`track` (post_save/post_delete of a model, in
``overview.apps``, which composes every page that uses the version) and by explicit
:func:`bump` calls where services write in bulk or with ``QuerySet.update`` (signals do not
fire there): compliance recomputation, savings, reminder acknowledgement, report supersede
and reinstate.
"""

import contextlib
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import BigIntegerField, Subquery, Sum, Value
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.models import DataVersion

logger = logging.getLogger(__name__)

#: How long a cached page is kept. The key changes with every change, so this only bounds
#: the memory that answers for old versions keep in the cache.
CACHE_SECONDS = 600


#: How long the copy of the version in the cache (:func:`current_cached`) may be used
#: before it is read from the database again: the bound on how stale a polled answer can be.
#: The setting ``DATA_VERSION_CACHE_SECONDS`` overrides it (tests that count queries).
VERSION_SECONDS = 1


#: How long this process reuses the version it last read through :func:`current_cached`
#: without asking Redis (a worker answering hundreds of polls a second asks ten times).
#: A bump in this process forgets it at once; a bump elsewhere shows here within this
#: plus the Redis copy's TTL.
PROCESS_SECONDS = 0.1

_process_copy: tuple[float, int] | None = None  # (monotonic expiry, version)


def _version_seconds() -> int:
    return int(getattr(settings, "DATA_VERSION_CACHE_SECONDS", VERSION_SECONDS))


def bump(*names: str) -> None:
    """Count one change to what ``names`` (e.g. ``"contract:7"``) show, in the current transaction."""
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        for name in dict.fromkeys(names):  # each once, in order
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES (%s, 1) "
                f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1",
                [name],
            )
    # The cached copy (current_cached) goes now, for a read later in this same transaction,
    # and again once the change commits, for everyone else (once per transaction).
    _forget_cached_version()
    if connection.in_atomic_block and not any(
        entry[1] is _forget_cached_version
        for entry in connection.run_on_commit  # (savepoints, callback, robust)
    ):
        transaction.on_commit(_forget_cached_version)


def current() -> int:
    """The version of everything shown: it grows with every committed change."""
    return DataVersion.objects.aggregate(total=Sum("value"))["total"] or 0


def _version_cache_key() -> str:
    return f"data-version:{connection.settings_dict['NAME']}"  # two deployments may share one Redis


#: Until when (time.monotonic) the cache is not asked for the version: set by a failure, so
#: an outage costs one failed round trip per second, not one per request or per bump.
_cache_unreachable_until = 0.0


def _cache_failed(exc: Exception) -> None:
    global _cache_unreachable_until
    _cache_unreachable_until = time.monotonic() + _version_seconds()
    logger.warning("Data version cache skipped, cache unavailable: %s", exc)


def current_cached() -> int:
    """:func:`current`, read from the cache when it holds a copy less than :data:`VERSION_SECONDS` old.

    For the polled lists' fast path only (``core.api.fastpath``): one Redis read instead of a
    PostgreSQL round trip. The copy is written on a miss, from the database, with a TTL of
    :data:`VERSION_SECONDS`; every :func:`bump` deletes it, at once and again when its
    transaction commits. How stale can it be? A copy is never older than
    :data:`VERSION_SECONDS` since it was read from the database, whatever happened to the
    deletes (a Redis hiccup, a process killed between commit and delete, a reader that read
    the database just before a commit and wrote its copy just after the delete); each process
    also reuses its last read for :data:`PROCESS_SECONDS` (0.1 s). So an answer shows a
    change at most about 1.1 s after it committed; usually within 0.1 s (the delete), and at
    once in the process that made it. When the cache cannot be reached, the version is read from the database: correct,
    never an error.
    """
    global _process_copy
    now = time.monotonic()
    copy = _process_copy
    if copy is not None and copy[0] > now:
        return copy[1]
    key = _version_cache_key()
    version: int | None = None
    if now >= _cache_unreachable_until:
        try:
            value = cache.get(key)
        except Exception as exc:  # the backend's own errors (redis.ConnectionError, …)
            _cache_failed(exc)
        else:
            version = None if value is None else int(value)
    if version is None:
        version = current()
        if time.monotonic() >= _cache_unreachable_until:
            try:
                cache.set(key, version, _version_seconds())
            except Exception as exc:
                _cache_failed(exc)
    _process_copy = (now + PROCESS_SECONDS, version)
    return version


def _forget_cached_version() -> None:
    global _process_copy
    _process_copy = None
    if time.monotonic() < _cache_unreachable_until:
        return  # the copy expires on its own within VERSION_SECONDS
    try:
        cache.delete(_version_cache_key())
    except Exception as exc:
        _cache_failed(exc)


def version_expression() -> Subquery:
    """:func:`current` as an SQL expression, to read it in the same query as something else.

    The token lookup and the session's user lookup annotate it, so a request that needs the
    version (a polled list, a permission check) costs no extra round trip to the database.
    """
    total = DataVersion.objects.annotate(group=Value(1)).values("group").annotate(total=Sum("value")).values("total")
    return Subquery(total, output_field=BigIntegerField())


def current_for(holder: Any) -> int:
    """:func:`current`, read once per request: kept on ``holder`` (the request's user object)."""
    version = getattr(holder, "_data_version", None)
    if version is None:
        version = current()
        with contextlib.suppress(AttributeError):  # an object that takes no attributes: read each time
            holder._data_version = version
    return version


def cache_key(prefix: str, *parts: Any) -> str:
    """A cache key from ``parts`` (hashed: the query string may be long or hold any character)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return f"{prefix}:{digest}"


class ProcessMemo:
    """The last few values this process read or wrote, in front of the shared cache.

    Every key here holds the data version, so an entry can never be stale: after a change
    the key itself is different. A worker answering the same poll again then needs no
    round trip to Redis at all. Bounded in entries and in the size of one value.
    """

    def __init__(self, entries: int = 64, largest: int = 1024 * 1024) -> None:
        self.entries, self.largest = entries, largest
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()  # the embedded mode runs imports on threads

    def get(self, key: Hashable) -> Any:
        with self.lock:
            entry = self.values.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires < time.monotonic():
                del self.values[key]
                return None
            self.values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any, timeout: int = CACHE_SECONDS) -> None:
        if isinstance(value, bytes | str) and len(value) > self.largest:
            return
        with self.lock:
            self.values[key] = (time.monotonic() + timeout, value)
            self.values.move_to_end(key)
            while len(self.values) > self.entries:
                self.values.popitem(last=False)


_memo = ProcessMemo()


def cache_get(key: str) -> Any:
    """The cached value (this process's copy first), or None when absent or when the cache cannot be reached."""
    value = _memo.get(key)
    if value is not None:
        return value
    try:
        value = cache.get(key)
    except Exception as exc:  # the backend's own errors (redis.ConnectionError, …)
        logger.warning("Cache read skipped, cache unavailable: %s", exc)
        return None
    if value is not None:
        _memo.put(key, value, 60)  # its remaining time in Redis is unknown: keep it a minute here
    return value


def cache_set(key: str, value: Any, timeout: int = CACHE_SECONDS) -> None:
    _memo.put(key, value, timeout)
    try:
        cache.set(key, value, timeout)
    except Exception as exc:
        logger.warning("Cache write skipped, cache unavailable: %s", exc)


def track(model: type[models.Model], name: Callable[[Any], str], *, ignore_fields: Iterable[str] = ()) -> None:
    """Bump ``name(instance)`` whenever ``model`` is saved or deleted.

    A save whose ``update_fields`` lie within ``ignore_fields`` (progress counters,
    timestamps nothing cached shows) does not bump.
    """
    ignored = frozenset(ignore_fields)
    label = model._meta.label_lower

    def saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
        if update_fields is not None and ignored and set(update_fields) <= ignored:
            return
        bump(name(instance))

    def deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
        bump(name(instance))

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"core.versions.save.{label}")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"core.versions.delete.{label}")


def track_m2m(through: type[models.Model], name: Callable[[Any], str]) -> None:
    """Bump ``name(instance)`` when a many-to-many relation changes (e.g. a contract's processes)."""

    def changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
        if action in ("post_add", "post_remove", "post_clear"):
            bump(name(instance))

    m2m_changed.connect(
        changed, sender=through, weak=False, dispatch_uid=f"core.versions.m2m.{through._meta.label_lower}"
    )
