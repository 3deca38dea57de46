"""Where experiment events wait for the batch writer: a Redis list, or this process's memory.

Pages only append; a Celery task (tasks.drain_events) takes them out in batches. A Redis that
is down or hung costs a page at most one short socket timeout, after which the cache's circuit
breaker (when it has one, as the shop's has) keeps every call away for a back-off: the events
of those seconds are lost, the page is not.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
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


class HeldBuffer:
    """Events held in this process and pushed to `inner` together: the first push after a quiet
    spell goes at once and opens a period of `seconds`; what comes during it waits for its end
    (a timer pushes it then, or the process on its way out). Pages with exposures then cost
    Redis one round trip per worker and period instead of one each."""

    def __init__(self, inner: EventBuffer, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds
        self._held: list[str] = []
        self._due = 0.0  # the end of the current period (time.monotonic())
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        atexit.register(self.flush)

    def push(self, items: list[str]) -> bool:
        now = time.monotonic()
        with self._lock:
            self._held.extend(items)
            if now < self._due:
                if self._timer is None:
                    self._timer = threading.Timer(self._due - now, self.flush)
                    self._timer.daemon = True
                    self._timer.start()
                return True
            self._due = now + self.seconds
            items, self._held = self._held, []
        return self.inner.push(items)

    def flush(self) -> bool:
        """Push what is held now (the period's end, a test, the process exiting)."""
        with self._lock:
            items, self._held = self._held, []
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        return self.inner.push(items) if items else True

    def pop(self, count: int) -> list[str]:
        return self.inner.pop(count)

    def size(self) -> int:
        return self.inner.size()


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


# The hold in front of each buffer, per period: one per process and setting.
_held: dict[tuple[EventBuffer, float], HeldBuffer] = {}
_held_lock = threading.Lock()


def exposure_buffer() -> EventBuffer:
    """Where pages' exposures go: the event buffer, behind this process's hold when
    PERSONALIZATION_EXPERIMENT_EXPOSURE_HOLD_SECONDS is set."""
    seconds = float(app_settings.EXPERIMENT_EXPOSURE_HOLD_SECONDS)
    inner = event_buffer()
    if not seconds:
        return inner
    key = (inner, seconds)
    found = _held.get(key)
    if found is None:
        with _held_lock:
            found = _held.get(key)
            if found is None:
                found = _held[key] = HeldBuffer(inner, seconds)
    return found


def _forget_after_fork() -> None:
    # A forked worker starts with no hold: what its parent held (and would push on its own
    # exit) is the parent's, and the parent's timer thread did not come along.
    for held in _held.values():
        atexit.unregister(held.flush)
    _held.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def event_buffer_reset() -> None:
    """A new buffer on next use (settings changed, a test starts): what was held is pushed."""
    with _held_lock:
        holds = list(_held.values())
        _held.clear()
    for held in holds:
        held.flush()
        atexit.unregister(held.flush)
    _buffer.cache_clear()
