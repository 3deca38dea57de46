"""Signed cookies and request headers, read the cheap way: every page of every visit reads them.

A signed cookie's value is checked once per process: checking costs a signer built from the
settings and an HMAC, while the same values come back on every page of a visit (and thousands of
visitors share the few values of a consent cookie). The result depends only on the value, the
salt and the keys, all in the memo's key, so it is kept (bounded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest

T = TypeVar("T")

# Values longer than this are checked every time, not kept: real cookies and links are a few
# hundred characters, and a memo of 10,000 values must not hold what a script pads to 4 KB.
KEPT_LENGTH = 1024


def kept_for(memo: Callable[..., T], value: str) -> Callable[..., T]:
    """`memo` (an lru_cache), or for a value longer than KEPT_LENGTH what it memoizes: the
    same answer, not kept."""
    return memo if len(value) <= KEPT_LENGTH else memo.__wrapped__  # type: ignore[attr-defined]


@lru_cache(maxsize=10_000)
def _unsigned(name: str, value: str, salt: str, key: str, fallbacks: tuple[str, ...]) -> str | None:
    # `key` and `fallbacks` are what the signer reads from the settings: part of the memo's key.
    # Checked by Django's own reading of a request's signed cookie, on a request holding it.
    holder = HttpRequest()
    holder.COOKIES[name] = value
    return holder.get_signed_cookie(name, default=None, salt=salt)


def signed_cookie(request: HttpRequest, name: str, *, salt: str) -> str | None:
    """`request.get_signed_cookie(name, default=None, salt=salt)`: the cookie's value, or None
    when it is missing or does not verify."""
    value = request.COOKIES.get(name)
    if value is None:
        return None
    fallbacks = tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return kept_for(_unsigned, value)(name, value, salt, settings.SECRET_KEY, fallbacks)


class MetaHeaders(Mapping[str, str]):
    """A request's headers by their HTTP names, read straight from `request.META`: a header
    that is missing costs a dictionary miss, not an exception (the location resolver asks for
    every CDN's headers, most of which never come)."""

    def __init__(self, meta: Mapping[str, str]) -> None:
        self._meta = meta

    @staticmethod
    def _key(name: str) -> str:
        key = name.upper().replace("-", "_")
        return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"

    def __getitem__(self, name: str) -> str:
        return self._meta[self._key(name)]

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self._meta.get(self._key(name), default) if name else default

    def __iter__(self) -> Iterator[str]:
        return (k[5:].replace("_", "-").title() for k in self._meta if k.startswith("HTTP_"))

    def __len__(self) -> int:
        return sum(1 for _ in self)
