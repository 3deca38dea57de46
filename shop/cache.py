"""A circuit breaker for the Redis cache, plugged into django-redis as its `CLIENT_CLASS`.

Short socket timeouts (settings) bound what one call to a hung Redis costs; the breaker bounds
how many calls pay it. After a call fails for want of Redis (refused, reset, timed out), every
cache call in this process fails at once, without touching the network, for a back-off that
doubles with each failed retry (1 s, 2 s, 4 s... up to 30 s by default). When the back-off is
over, one call tries Redis again while the others keep failing fast; if it answers, the breaker
closes. With django-redis' `IGNORE_EXCEPTIONS` a refused call reads as a cache miss, so callers
serve what their process holds or the database (see kernel/snapshot.py).

OPTIONS (besides django-redis' own): `CIRCUIT_BREAKER_BACKOFF` and `CIRCUIT_BREAKER_MAX_BACKOFF`,
in seconds.
"""

from __future__ import annotations

import functools
import logging
import socket
import threading
import time
from typing import Any

from django.core.cache import cache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis is not there" looks like; a ResponseError (a wrong command) is not an outage.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, socket.timeout, OSError)


class CircuitOpen(RedisConnectionError):
    """Redis failed a moment ago: this call was not attempted."""


class CircuitBreaker:
    """Whether calls to one Redis server may go ahead; shared by every thread of a process."""

    def __init__(self, name: str, backoff: float, max_backoff: float) -> None:
        self.name = name
        self.base_backoff = backoff
        self.max_backoff = max_backoff
        self._lock = threading.Lock()
        self._backoff = 0.0  # 0 while closed
        self._open_until = 0.0

    @property
    def is_open(self) -> bool:
        return self._backoff > 0

    def allow(self) -> bool:
        """Whether a call may reach Redis now; after the back-off, one caller tries."""
        with self._lock:
            now = time.monotonic()
            if now < self._open_until:
                return False
            if self._backoff:
                # This caller retries Redis; the others fail fast until it knows the answer.
                self._open_until = now + self._backoff
            return True

    def succeeded(self) -> None:
        if self._backoff:  # read without the lock: closed is the common case
            with self._lock:
                if self._backoff:
                    logger.warning("Redis %s answers again: using the cache.", self.name)
                self._backoff = 0.0
                self._open_until = 0.0

    def failed(self) -> None:
        with self._lock:
            if self._backoff:
                self._backoff = min(self._backoff * 2, self.max_backoff)
            else:
                self._backoff = self.base_backoff
            self._open_until = time.monotonic() + self._backoff
            logger.warning(
                "Redis %s did not answer: not calling it for %.1f s.", self.name, self._backoff
            )

    def reset(self) -> None:
        with self._lock:
            self._backoff = 0.0
            self._open_until = 0.0


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def circuit_breaker(server: str, *, backoff: float = 1.0, max_backoff: float = 30.0):
    """The process's breaker for `server` (one per Redis address, whatever the thread)."""
    with _breakers_lock:
        if server not in _breakers:
            _breakers[server] = CircuitBreaker(server, backoff, max_backoff)
        return _breakers[server]


_calling = threading.local()


def _guarded(method):
    @functools.wraps(method)
    def call(self: CircuitBreakerClient, *args: Any, **kwargs: Any) -> Any:
        if getattr(_calling, "active", False):
            return method(self, *args, **kwargs)  # called by a guarded method: already let in
        breaker = self.breaker
        if not breaker.allow():
            raise ConnectionInterrupted(connection=None) from CircuitOpen(
                f"Redis {breaker.name} is not called for a moment after a failure"
            )
        _calling.active = True
        try:
            result = method(self, *args, **kwargs)
        except ConnectionInterrupted as error:
            if isinstance(error.__cause__, OUTAGE_ERRORS):
                breaker.failed()
            raise
        finally:
            _calling.active = False
        breaker.succeeded()
        return result

    return call


class CircuitBreakerClient(DefaultClient):
    """django-redis' default client, behind this process's circuit breaker for its server."""

    def __init__(self, server, params: dict[str, Any], backend) -> None:
        super().__init__(server, params, backend)
        options = params.get("OPTIONS", {})
        self.breaker = circuit_breaker(
            ",".join(self._server),
            backoff=float(options.get("CIRCUIT_BREAKER_BACKOFF", 1.0)),
            max_backoff=float(options.get("CIRCUIT_BREAKER_MAX_BACKOFF", 30.0)),
        )


# Every operation that talks to Redis (django-redis' DefaultClient and its sorted-set mixin).
# Helpers that only build keys or values, and connect/close, are left as they are.
GUARDED_METHODS = (
    "set", "incr_version", "add", "get", "persist", "expire", "pexpire", "pexpire_at",
    "expire_at", "delete", "delete_pattern", "delete_many", "clear", "get_many", "set_many",
    "incr", "decr", "ttl", "pttl", "has_key", "iter_keys", "keys", "touch",
    "sadd", "scard", "sdiff", "sdiffstore", "sinter", "sinterstore", "smismember", "sismember",
    "smembers", "smove", "spop", "srandmember", "srem", "sscan", "sscan_iter", "sunion",
    "sunionstore", "hset", "hdel", "hlen", "hkeys", "hexists",
    "zadd", "zcard", "zcount", "zincrby", "zpopmax", "zpopmin", "zrange", "zrangebyscore",
    "zrank", "zrem", "zremrangebyscore", "zrevrange", "zrevrangebyscore", "zscore",
)  # fmt: skip
for _name in GUARDED_METHODS:
    setattr(CircuitBreakerClient, _name, _guarded(getattr(DefaultClient, _name)))


def shared_cache_down() -> bool:
    """Whether the default cache's circuit breaker is open: Redis failed a moment ago (never,
    for a cache without a breaker, such as the laptop's local memory)."""
    breaker = getattr(getattr(cache, "client", None), "breaker", None)
    return breaker is not None and breaker.is_open


def throttle_uncounted(usage: dict | None) -> bool:
    """Whether django-ratelimit could not count, because the cache did not answer.

    Checked after `get_usage`, whose own call opens the breaker if Redis fails it: a read then
    looks like a count of 0 (django-redis answers the default) and a failed increment like a
    limit of 0. Each endpoint decides what that means: let the request through, or refuse it
    with a message that says why."""
    failed = usage is not None and usage["limit"] == 0 and usage["time_left"] == -1
    return failed or shared_cache_down()
