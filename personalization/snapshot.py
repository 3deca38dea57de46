"""Editor data (region sets; later segments, slots, variants) loaded once per process.

Each kind of data has a version number in the shared cache. Every save or delete bumps it, so
every worker notices on its next request and reloads; in between, reading costs one cache get
and no SQL query, however many rows there are.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

_local: dict[str, tuple[Any, Any]] = {}
_lock = threading.Lock()


def _key(name: str) -> str:
    return f"personalization:snapshot:{name}"


def snapshot(name: str, load: Callable[[], Any]) -> Any:
    """The loaded data for `name`, reloaded only when its version changed."""
    try:
        version = cache.get(_key(name))
    except Exception:
        version = None  # cache down: keep serving what this process has
        if name in _local:
            return _local[name][1]
    if version is None:
        version = snapshot_bump(name)
    held = _local.get(name)
    if held is not None and held[0] == version:
        return held[1]
    with _lock:
        data = load()
        _local[name] = (version, data)
    return data


def snapshot_bump(name: str) -> Any:
    """Mark `name`'s data as changed for every process."""
    version = uuid.uuid4().hex
    try:
        cache.set(_key(name), version, timeout=None)
    except Exception:
        _local.pop(name, None)
    return version
