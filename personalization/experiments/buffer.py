"""Where experiment events wait for the batch writer: a Redis list, or this process's memory.

Pages only append; a Celery task (tasks.drain_events) takes them out in batches. A Redis that
is down or hung costs a page at most one short socket timeout, after which the cache's circuit
breaker (when it has one, as the shop's has) keeps every call away for a back-off: the events
of those seconds are lost, the page is not.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from functools import cache
from typing import Protocol

from django.core.cache import cache as shared_cache
from django.utils.module_loading import import_string

from ..conf import app_settings

logger = logging.getLogger(__name__)

KEY = "experiments:events"


class EventBuffer(Protocol):
    def push(self, items: list[str]) -> bool: ...

    def pop(self, count: int) -> list[str]: ...

    def size(self) -> int: ...


class MemoryBuffer:
    """A bounded queue in this process (the laptop, and tests): the oldest go first when full."""

    def __init__(self, maxlen: int | None = None) -> None:
        self._items: deque[str] = deque(maxlen=maxlen or app_settings.EXPERIMENT_BUFFER_MAX)
        self._lock = threading.Lock()

    def push(self, items: list[str]) -> bool:
        with self._lock:
            self._items.extend(items)
        return True

    def pop(self, count: int) -> list[str]:
        with self._lock:
            return [self._items.popleft() for _ in range(min(count, len(self._items)))]

    def size(self) -> int:
        return len(self._items)


class RedisListBuffer:
    """A Redis list on the shared cache's server (django-redis), behind its circuit breaker.

    The connection is the cache's own, with its socket timeouts (REDIS_TIMEOUT)."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias

    def _client(self):
        from django_redis import get_redis_connection

        return get_redis_connection(self.alias)

    def _breaker(self):
        # The cache client's breaker, when it has one (duck-typed: no import of the project).
        return getattr(getattr(shared_cache, "client", None), "breaker", None)

    def _call(self, action, default):
        breaker = self._breaker()
        if breaker is not None and not breaker.allow():
            return default  # Redis failed a moment ago: do not wait for it again
        try:
            result = action(self._client())
        except Exception as error:  # any failure of Redis costs events, never the page
            if breaker is not None:
                breaker.failed()
            logger.warning("Experiment events buffer unavailable: %s", error)
            return default
        if breaker is not None:
            breaker.succeeded()
        return result

    def push(self, items: list[str]) -> bool:
        cap = app_settings.EXPERIMENT_BUFFER_MAX

        def action(client):
            # One round trip a page (a tenth of a cached page's time): RPUSH answers the list's
            # length, and only a list over its cap (the batch writer behind) is trimmed.
            if client.rpush(KEY, *items) > cap:
                client.ltrim(KEY, -cap, -1)
            return True

        return self._call(action, False)

    def pop(self, count: int) -> list[str]:
        def action(client):
            pipe = client.pipeline(transaction=True)
            pipe.lrange(KEY, 0, count - 1)
            pipe.ltrim(KEY, count, -1)
            items, _trimmed = pipe.execute()
            return [item.decode() if isinstance(item, bytes) else item for item in items]

        return self._call(action, [])

    def size(self) -> int:
        return self._call(lambda client: client.llen(KEY), 0)


@cache
def _buffer(path: str, backend: str) -> EventBuffer:
    if path:
        return import_string(path)()
    if backend.startswith("django_redis."):
        return RedisListBuffer()
    return MemoryBuffer()


def event_buffer() -> EventBuffer:
    """The buffer named by PERSONALIZATION_EXPERIMENT_BUFFER, else Redis when the cache is
    django-redis, else memory; one per process and setting."""
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    return _buffer(app_settings.EXPERIMENT_BUFFER, backend)


def event_buffer_reset() -> None:
    _buffer.cache_clear()
