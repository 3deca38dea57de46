"""The fault suite: a real redis-server of our own, hung (SIGSTOP), killed and restarted under
the shop while it serves pages and places orders.

Each test gets its own server on a free port, in a temporary folder, never the machine's Redis;
the cache (and, where a test asks, the Celery broker) points at it with the project's own
settings (`shop.settings.redis_cache`). Teardown always wakes and kills the server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from shop import settings as project_settings

REDIS_SERVER = "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process that a test can hang, kill and start again on the same port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (or start again, loading the data last saved with `save`)."""
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 5
        while True:
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def client(self) -> redis.Redis:
        """A direct connection, for the test to look inside (not counted as the shop's)."""
        return redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)

    def save(self) -> None:
        self.client().save()

    def hang(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Hung(BaseException):
    """Not an Exception: code that falls back on any error must not swallow it."""


@pytest.fixture(autouse=True)
def _never_hang():
    """A fault test that waits on a hung Redis fails after 20 s instead of hanging the suite."""

    def expired(signum, frame):
        raise Hung("the shop waited more than 20 s on a faulty Redis")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


class CallCounter:
    """Counts the commands the shop's processes send to Redis (attempted, answered or not)."""

    def __init__(self) -> None:
        self.calls = 0


@pytest.fixture
def redis_calls(monkeypatch) -> CallCounter:
    counter = CallCounter()
    send = redis.Redis.execute_command

    def counted(self, *args, **options):
        counter.calls += 1
        return send(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    return counter


@pytest.fixture
def shared_cache(settings, redis_server):
    """The default cache on our server, configured as production configures it, with a short
    back-off so that tests see the breaker close again quickly."""
    config = project_settings.redis_cache(redis_server.url)
    config["OPTIONS"]["CIRCUIT_BREAKER_BACKOFF"] = 0.5
    config["OPTIONS"]["CIRCUIT_BREAKER_MAX_BACKOFF"] = 1.0
    # Changing CACHES makes Django close and forget every cache connection (setting_changed).
    settings.CACHES = {"default": config}
    from django.core.cache import cache

    cache.clear()
    return redis_server


class Stopwatch:
    """`with Stopwatch() as took: ...`, then `took.seconds`."""

    def __enter__(self) -> Stopwatch:
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.monotonic() - self.started
