"""Settings that requests read, read once per process.

Django's lazy settings cost an attribute lookup through a proxy on every read, and a setting left
unset (its default applies) an exception each time: a page reads dozens of them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

_read: dict[str, Any] = {}
_MISSING = object()


def setting(name: str, default: Any = None) -> Any:
    """`settings.<name>`, or `default` when it is not set. A changed setting (a test overriding
    it) is read again."""
    found = _read.get(name, _MISSING)
    if found is _MISSING:
        found = _read[name] = getattr(settings, name, default)
    return found


def _forget(*, setting: str = "", **_kwargs: Any) -> None:
    _read.pop(setting, None)


setting_changed.connect(_forget)
