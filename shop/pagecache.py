"""The decision cache: each combination of decisions on an anonymous page is rendered once.

A page like the home page adapts to its visitor, so it cannot be shared as it is. But it adapts
only through its *decisions* (personalization/decisions.py): the slots' variants, the offers and
prices, the store near you, the profile card, the language. A million visitors whose decisions
are the same see the same page. So:

1. The first render of a URL records the questions the page asked (its *recipe*), under the
   editor data's versions (every declared snapshot's, `kernel/snapshot.py`), and stores the
   page under the fingerprint of its answers.
2. The next request asks the same questions for its own visitor (in memory; the pure ones are
   answered once per process for every visitor with the same facts: "shared answers" in
   personalization/decisions.py), fingerprints the answers and looks the page up: in this
   process's memory first, then in Redis. A hit is the page this visitor would have rendered: a
   render is a function of its decisions and of the editor data, nothing else.
3. A render that read a visitor fact or the session outside a decision, set a cookie, changed
   the session, added a message, or whose answer is not plain data is never stored (fail
   closed): that page is simply rendered for each visitor.

Per-request parts are filled in when the page is sent: the CSRF token (any masked form of the
visitor's secret is valid, so the stored page holds a placeholder and the cookie is set only
when the page has a form) and the CSP nonce. Requests that could see something of their own
bypass the cache: not GET, htmx fragments, signed-in users, a basket, messages waiting, a staff
preview. A slow or lost Redis makes pages uncached, never an error (the cache's circuit
breaker, `shop/cache.py`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from functools import cache as cache_in_process
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import (  # type: ignore[attr-defined]
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _does_token_match,  # private, but the one way to tell our token from other text
)
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from kernel.conf import setting
from personalization.decisions import Question, answers, editor_versions, recording
from personalization.preview import preview_overrides
from shop.basket.services import SESSION_KEY as BASKET_KEY

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
# Stand-ins for the per-request parts in stored pages. NUL never reaches a page otherwise: the
# database refuses it in text and BadTextMiddleware in requests.
CSRF_PLACEHOLDER = "\x00csrf\x00"
NONCE_PLACEHOLDER = "\x00nonce\x00"
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")

DEFAULTS: dict[str, Any] = {
    "ENABLED": True,
    # The views whose anonymous pages are shared (URL names).
    "VIEWS": (
        "catalog:home",
        "catalog:products",
        "catalog:category",
        "catalog:product",
        "offers:list",
    ),
    # Seconds a page is kept; editor data changes invalidate it at once through the versions.
    "TIMEOUT": 300,
    # Distinct recipes kept per URL (visitors whose decisions lead to other questions).
    "RECIPES": 16,
    # Longer query strings are never stored (a script cannot fill the cache with them).
    "MAX_QUERY": 200,
    # Seconds a CDN may keep a response that is the same for every visitor.
    "PUBLIC_SECONDS": 60,
    # Pages each process keeps in its own memory too (the most recently served, uncompressed,
    # ready to send: about 40 KiB each), so that a hit needs no round trip to Redis; 0: none.
    "LOCAL_PAGES": 1000,
    # Seconds a process uses its copy of a URL's recipes before reading Redis's again: a recipe
    # another process found is used here that much later (this one renders the page meanwhile).
    "LOCAL_RECIPES_SECONDS": 2,
}


def _setting(name: str) -> Any:
    return setting(f"PAGECACHE_{name}", DEFAULTS[name])


class PageCacheMiddleware:
    """Serve anonymous pages from the decision cache. Put it after VisitorMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        _say_who_may_keep(request, response)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name not in _setting("VIEWS") or not _setting("ENABLED"):
            return None
        if not _shareable_request(request):
            response = view(request, *args, **kwargs)
            response[HEADER] = "bypass"
            return _varied(response)
        return _varied(_serve(request, view, args, kwargs))


def _say_who_may_keep(request: HttpRequest, response: HttpResponse) -> None:
    """Cache-Control for responses that did not say: `public, s-maxage` when nothing of the
    visitor went into it (no fact, no session, no CSRF token, no cookie), else `private`.

    Pages that read the visitor are private already (VisitorMiddleware); a shared cache must
    never keep one, since the decision cache's sharing depends on answers a CDN cannot see."""
    if response.has_header("Cache-Control"):
        return
    session = getattr(request, "session", None)
    same_for_everyone = (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.cookies
        # Read (the user is looked up on every page) but empty: nothing of anyone's in it.
        and not (session is not None and session.accessed and not session.is_empty())
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "HX-Request" not in request.headers
    )
    if same_for_everyone:
        patch_cache_control(response, public=True, s_maxage=_setting("PUBLIC_SECONDS"))
    else:
        patch_cache_control(response, private=True)


def _varied(response: HttpResponse) -> HttpResponse:
    # An htmx request gets a fragment, a plain one the page: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _shareable_request(request: HttpRequest) -> bool:
    """Whether nothing of this request's own could show on its page."""
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False
    if len(request.META.get("QUERY_STRING", "")) > _setting("MAX_QUERY"):
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.get(BASKET_KEY):
        return False
    if preview_overrides(request) is not None:
        return False
    # Counting does not consume them: they still show on this page.
    return not len(get_messages(request))


def _serve(
    request: HttpRequest,
    view: Callable[..., HttpResponse],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> HttpResponse:
    base = _base_key(request)
    recipes = _recipes(base)
    candidates = {}
    for position, (digest, recipe) in enumerate(recipes):
        found = answers(request, recipe)
        if found is None:
            continue
        key = _page_key(base, digest, found)
        page = _local_page(key)
        if page is not None:
            _move_to_front(recipes, position)
            return _from_stored(request, page)
        candidates[key] = position
    stored = cache.get_many(list(candidates)) if candidates else {}
    for key, position in candidates.items():
        if key in stored:
            _move_to_front(recipes, position)
            return _from_stored(request, _local_page_keep(key, stored[key]))

    with recording(request) as recorder:
        response = view(request, *args, **kwargs)
    reason = _unshareable_response(request, response)
    if reason is None and not recorder.shareable:
        reason = "reads " + ", ".join(sorted(recorder.undeclared))
    if reason is not None:
        logger.info("Not shared: %s %s", request.path, reason)
        response[HEADER] = "uncacheable"
        return response
    recipe = tuple(recorder.questions)
    digest = _recipe_digest(recipe)
    key = _page_key(base, digest, tuple(recorder.questions.values()))
    body = _with_placeholders(request, response.content.decode(response.charset))
    entry = (response.status_code, response["Content-Type"], zlib.compress(body.encode(), 6))
    cache.set(key, entry, timeout=_setting("TIMEOUT"))
    _local_page_keep(key, entry)
    if all(digest != known for known, _recipe in recipes):
        # Newest first; a race between workers may drop one, which costs one more render.
        kept = [(digest, recipe), *recipes][: _setting("RECIPES")]
        cache.set(_recipes_key(base), kept, timeout=_setting("TIMEOUT"))
        _local_recipes[base] = (time.monotonic() + _setting("LOCAL_RECIPES_SECONDS"), kept)
    response[HEADER] = "miss"
    return response


Recipe = tuple[str, tuple[Question, ...]]  # its digest, its questions
Entry = tuple[int, str, bytes]  # status, content type, the compressed page (in Redis)


class Page(NamedTuple):
    """A stored page ready to send: its text in pieces, with a placeholder between each two."""

    status: int
    content_type: str
    pieces: tuple[bytes, ...]
    holes: tuple[str, ...]


# This process's copies of what Redis holds. A page's key holds the versions and answers it was
# rendered for, so a copy is never stale; it is dropped when Redis's would expire.
_local_pages: OrderedDict[str, tuple[float, Page]] = OrderedDict()
_local_recipes: dict[str, tuple[float, list[Recipe]]] = {}
# A threaded server's requests share the copies: the least recently used order is kept whole.
_local_lock = threading.Lock()
_HOLES = re.compile(f"({re.escape(CSRF_PLACEHOLDER)}|{re.escape(NONCE_PLACEHOLDER)})")


def _recipes(base: str) -> list[Recipe]:
    now = time.monotonic()
    held = _local_recipes.get(base)
    if held is not None and held[0] > now:
        return held[1]
    # Redis's, else (lost, or Redis not answering) the ones this process knew: still right.
    recipes: list[Recipe] = cache.get(_recipes_key(base)) or (held[1] if held else [])
    if len(_local_recipes) >= 4 * _setting("LOCAL_PAGES"):
        _local_recipes.clear()  # bounded: old versions' URLs go
    _local_recipes[base] = (now + _setting("LOCAL_RECIPES_SECONDS"), recipes)
    return recipes


def _move_to_front(recipes: list[Recipe], position: int) -> None:
    """The recipe that served a page is tried first next time (this process's copy): the
    questions most visitors lead to are asked first, and the others only when they do not."""
    with _local_lock:
        if 0 < position < len(recipes):
            recipes.insert(0, recipes.pop(position))


def _local_page(key: str) -> Page | None:
    with _local_lock:
        held = _local_pages.get(key)
        if held is None:
            return None
        if held[0] < time.monotonic():
            del _local_pages[key]
            return None
        _local_pages.move_to_end(key)
        return held[1]


def _local_page_keep(key: str, entry: Entry) -> Page:
    """The stored page, ready to send (and kept in this process's memory)."""
    status, content_type, compressed = entry
    split = _HOLES.split(zlib.decompress(compressed).decode())
    page = Page(status, content_type, tuple(s.encode() for s in split[0::2]), tuple(split[1::2]))
    kept = _setting("LOCAL_PAGES")
    if kept:
        with _local_lock:
            _local_pages[key] = (time.monotonic() + _setting("TIMEOUT"), page)
            while len(_local_pages) > kept:
                _local_pages.popitem(last=False)
    return page


def local_copies_forget() -> None:
    """Drop this process's copies of pages and recipes (a test starts as a new process)."""
    _local_pages.clear()
    _local_recipes.clear()


def _unshareable_response(request: HttpRequest, response: HttpResponse) -> str | None:
    if response.status_code != 200 or response.streaming:
        return f"status {response.status_code}"
    if not response.get("Content-Type", "").startswith("text/html"):
        return "not HTML"
    if response.cookies:
        return "sets a cookie"
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return "changes the session"
    if len(get_messages(request)):
        return "shows messages"
    return None


@cache_in_process
def _code_version() -> str:
    """The code, templates and translations this process runs (read once per process): pages
    stored by another release are never served by this one, though Redis outlives a deploy.
    From the files' contents, so that every host of one release agrees."""
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR)
    for folder in ("templates", "shop", "personalization", "accounts", "kernel", "locale"):
        for file in sorted((root / folder).rglob("*")):
            if file.suffix in (".py", ".html", ".mo") and file.is_file():
                digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _base_key(request: HttpRequest) -> str:
    """What every page of this URL shares: the code's and editor data's versions, language and
    address."""
    parts = (
        _code_version(),
        editor_versions(request),
        translation.get_language() or "",
        request.get_host(),
        request.scheme or "",
    )
    digest = hashlib.blake2b("\n".join((*parts, request.get_full_path())).encode(), digest_size=16)
    return digest.hexdigest()


def _recipes_key(base: str) -> str:
    return f"pagecache:recipes:{base}"


def _recipe_digest(recipe: tuple[Question, ...]) -> str:
    return hashlib.blake2b(repr(recipe).encode(), digest_size=16).hexdigest()


def _page_key(base: str, recipe: str, found: tuple[str, ...]) -> str:
    """The page for the recipe's questions answered `found` (fingerprints, fixed length)."""
    digest = hashlib.blake2b("".join((recipe, *found)).encode(), digest_size=16)
    return f"pagecache:page:{base}:{digest.hexdigest()}"


def _with_placeholders(request: HttpRequest, body: str) -> str:
    """The page with this request's CSRF tokens and CSP nonce replaced by placeholders."""
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        body = _TOKEN.sub(
            lambda m: CSRF_PLACEHOLDER if _does_token_match(m.group(0), secret) else m.group(0),
            body,
        )
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        body = body.replace(f'nonce="{nonce}"', f'nonce="{NONCE_PLACEHOLDER}"')
    return body


def _from_stored(request: HttpRequest, page: Page) -> HttpResponse:
    filled = {}
    if CSRF_PLACEHOLDER in page.holes:
        filled[CSRF_PLACEHOLDER] = _csrf_token(request).encode()
    if NONCE_PLACEHOLDER in page.holes:
        filled[NONCE_PLACEHOLDER] = str(request.csp_nonce).encode()  # type: ignore[attr-defined]
    body = [page.pieces[0]]
    for hole, piece in zip(page.holes, page.pieces[1:], strict=True):
        body += (filled[hole], piece)
    response = HttpResponse(b"".join(body), status=page.status, content_type=page.content_type)
    response[HEADER] = "hit"
    return response


_POSITION = {letter: at for at, letter in enumerate(CSRF_ALLOWED_CHARS)}
# Random bytes below this (4 × 62) map onto the 62 letters evenly; the others are drawn again.
_EVEN = 256 - 256 % len(CSRF_ALLOWED_CHARS)


def _random_letters(count: int) -> str:
    """`count` letters of the CSRF alphabet, each uniformly at random from the system's source."""
    letters: list[str] = []
    while len(letters) < count:
        letters += [CSRF_ALLOWED_CHARS[b % len(CSRF_ALLOWED_CHARS)] for b in os.urandom(count)
                    if b < _EVEN]  # fmt: skip
    return "".join(letters[:count])


def _csrf_token(request: HttpRequest) -> str:
    """What Django's `get_token` gives: the visitor's CSRF secret (a new one, set as the cookie,
    for a visitor without one), masked afresh for this response. Django draws each letter of a
    secret and of a mask with its own read of the system's random source, 32 reads per string,
    about 60 µs of a cached home page's 1.5 ms (bench/pagecache.py); this reads it once per
    string, for the same alphabet, evenly drawn, and the same cipher, so Django's checks
    take the token (tests/shop/test_pagecache.py posts with it)."""
    meta = request.META
    secret = meta.get("CSRF_COOKIE")
    if secret is None:  # CsrfViewMiddleware found no valid secret: as Django's would, make one
        secret = meta["CSRF_COOKIE"] = _random_letters(CSRF_SECRET_LENGTH)
    # As get_token does: the cookie goes out with the page (new, or its expiry renewed).
    meta["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_letters(CSRF_SECRET_LENGTH)
    size = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_POSITION[s] + _POSITION[m]) % size]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher
