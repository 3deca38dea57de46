"""Visit history, kept only with personalization consent, in signed cookies on the visitor's
device (nothing on our servers): visit number, first and last visit, where the current visit
came from (referrer host and UTM campaign/source/medium of its landing request), and the items
recently viewed (the shop's products, by id, each with a tag: its pet type)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from .conf import app_settings
from .signed import kept_for

SALT = "personalization.history"
UTM_FIELDS = ("utm_campaign", "utm_source", "utm_medium")


@dataclass(frozen=True)
class History:
    visits: int
    first: float  # POSIX timestamps keep the cookie short
    last: float
    referrer_host: str = ""
    utm_campaign: str = ""
    utm_source: str = ""
    utm_medium: str = ""


def landing(request: HttpRequest) -> dict[str, str]:
    """Where this request came from: another site's host and the UTM parameters, cleaned."""
    referrer = urlsplit(request.headers.get("Referer", "")[:500]).hostname or ""
    own_host = request.get_host().split(":")[0] if request.headers.get("Host") else ""
    facts = {"referrer_host": referrer if referrer != own_host else ""}
    for name in UTM_FIELDS:
        value = request.GET.get(name, "")[:50].strip()
        facts[name] = value if value.isprintable() else ""
    return facts


def history_stored(request: HttpRequest) -> History | None:
    value = request.COOKIES.get(app_settings.HISTORY_COOKIE)
    if not value:
        return None
    fallbacks = tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return kept_for(_history, value)(value, settings.SECRET_KEY, fallbacks)


# The cookie is rewritten at most once a minute (`history_save`): the pages of a visit send the
# same value, checked once per process (bounded; the keys are part of the memo's key).
@lru_cache(maxsize=10_000)
def _history(value: str, _key: str, _fallbacks: tuple[str, ...]) -> History | None:
    try:
        return History(**signing.loads(value, salt=SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None  # tampered with or from an older format: start afresh


# A page within this many seconds of the last visit time the cookie holds leaves the cookie as
# it is (unless a new visit began): the stored time is then at most this late for telling the
# next visit apart after 30 idle minutes, and most pages of a visit set no cookie.
HISTORY_WRITE_SECONDS = 60


def history_current(request: HttpRequest, now: datetime.datetime) -> History:
    """The history including this request: a new visit after the idle time, else the same one."""
    # Kept in the request's own attributes: it lives exactly as long as the request.
    cached = vars(request).get("_history")
    if cached is not None:
        return cached
    stamp = now.timestamp()
    stored = history_stored(request)
    idle = app_settings.VISIT_IDLE_MINUTES * 60
    if stored is None:
        current = History(visits=1, first=stamp, last=stamp, **landing(request))
    elif stamp - stored.last > idle:
        current = History(
            visits=stored.visits + 1, first=stored.first, last=stamp, **landing(request)
        )
    else:
        current = replace(stored, last=stamp)
    vars(request)["_history"] = current
    return current


def history_save(request: HttpRequest, response: HttpResponse, now: datetime.datetime) -> None:
    current, stored = history_current(request, now), history_stored(request)
    if (
        stored is not None
        and replace(stored, last=current.last) == current
        # A stored time ahead of ours (a server whose clock ran fast) is put right at once.
        and 0 <= current.last - stored.last < HISTORY_WRITE_SECONDS
    ):
        return
    response.set_cookie(
        app_settings.HISTORY_COOKIE,
        # Its fields as they are (asdict would copy each value deeply: plain ones, here).
        signing.dumps(vars(current), salt=SALT, compress=True),
        max_age=app_settings.COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )


def history_forget(response: HttpResponse) -> None:
    response.delete_cookie(app_settings.HISTORY_COOKIE, samesite="Lax")
    response.delete_cookie(app_settings.VIEWED_COOKIE, samesite="Lax")


VIEWED_SALT = "personalization.viewed"


def viewed_stored(request: HttpRequest) -> tuple[tuple[int, str], ...]:
    """Recently viewed (item id, tag), most recent first; nothing when absent or tampered with."""
    value = request.COOKIES.get(app_settings.VIEWED_COOKIE)
    if not value:
        return ()
    fallbacks = tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return kept_for(_viewed, value)(value, app_settings.VIEWED_KEPT, settings.SECRET_KEY, fallbacks)


# The cookie changes only when an item is viewed: most pages of a visit send the value the
# last one did. Checked once per process (bounded); the keys it was checked with are part of
# the memo's key.
@lru_cache(maxsize=10_000)
def _viewed(
    value: str, kept: int, _key: str, _fallbacks: tuple[str, ...]
) -> tuple[tuple[int, str], ...]:
    try:
        items = signing.loads(value, salt=VIEWED_SALT)
        return tuple((int(pk), str(tag)[:20]) for pk, tag in items)[:kept]
    except (signing.BadSignature, TypeError, ValueError):
        return ()


def viewed_note(request: HttpRequest, item_id: int, tag: str = "") -> None:
    """Remember that this request showed an item; the middleware keeps it in the cookie only
    when the visitor allowed personalization (the page itself never needs to ask)."""
    vars(request)["_viewed"] = (int(item_id), tag)


def viewed_save(request: HttpRequest, response: HttpResponse) -> None:
    item = vars(request).get("_viewed")
    if item is None:
        return
    items = [item, *(entry for entry in viewed_stored(request) if entry[0] != item[0])]
    response.set_cookie(
        app_settings.VIEWED_COOKIE,
        signing.dumps(items[: app_settings.VIEWED_KEPT], salt=VIEWED_SALT, compress=True),
        max_age=app_settings.COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )
