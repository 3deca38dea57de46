"""Arms a visitor has been given, kept in a signed cookie on their device ("sticky bucketing").

The cookie lists `experiment_key:arm_key` pairs. While an experiment runs, an arm listed here
wins over the hash, so raising one arm's weight mid-run moves nobody who already saw an arm;
pairs of experiments that no longer run are dropped the next time the cookie is written.
A signed-in shopper's browser arms are also kept with their account (see signals.py).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ..conf import app_settings

SALT = "personalization.experiments.sticky"
SESSION_KEY = "experiments_visitor_id"
_PAIR = re.compile(r"[-a-zA-Z0-9_]{1,50}:[-a-zA-Z0-9_]{1,30}")
MAX_PAIRS = 50


def sticky_parse(raw: str) -> dict[str, str]:
    pairs = {}
    for item in (raw or "").split(",")[:MAX_PAIRS]:
        if _PAIR.fullmatch(item):
            key, arm = item.split(":")
            pairs[key] = arm
    return pairs


def sticky_read(request: HttpRequest | None) -> dict[str, str]:
    """The arms this browser was given (a cookie that does not verify counts as none)."""
    if request is None:
        return {}
    cached = getattr(request, "_experiment_sticky", None)
    if cached is not None:
        return cached
    raw = request.get_signed_cookie(app_settings.EXPERIMENT_COOKIE, default="", salt=SALT)
    pairs = sticky_parse(raw)
    request._experiment_sticky = pairs
    return pairs


def sticky_keep(request: HttpRequest, pairs: dict[str, str]) -> None:
    """Remember these arms for the rest of the request, and on the device once it answers."""
    request._experiment_sticky = dict(pairs)
    request._experiment_sticky_changed = True


def offers_assigned(request: HttpRequest) -> list[str]:
    """Keys of the offer experiments this request gave the visitor an arm in."""
    if not hasattr(request, "_experiment_offers_assigned"):
        request._experiment_offers_assigned = []
    return request._experiment_offers_assigned


def assignments_save(request: HttpRequest, response: HttpResponse) -> None:
    """After the response (VisitorMiddleware calls it): buffer the page's exposures — tested
    slots rendered, offer tests the visitor just joined — in one call, and keep new arms in
    the cookie."""
    from .events import exposures_flush, record_exposure

    assigned = getattr(request, "_experiment_offers_assigned", None)
    if assigned:
        for key in assigned:
            record_exposure(request, request.visitor, key)
    exposures_flush(request)
    sticky_save(request, response)


def sticky_save(request: HttpRequest, response: HttpResponse) -> None:
    """Set the cookie if this request gave the visitor a new arm."""
    if not getattr(request, "_experiment_sticky_changed", False):
        return
    pairs = request._experiment_sticky
    if not pairs:
        response.delete_cookie(app_settings.EXPERIMENT_COOKIE, samesite="Lax")
        return
    response.set_signed_cookie(
        app_settings.EXPERIMENT_COOKIE,
        ",".join(f"{key}:{arm}" for key, arm in list(pairs.items())[-MAX_PAIRS:]),
        salt=SALT,
        max_age=app_settings.COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def sticky_forget(response: HttpResponse) -> None:
    response.delete_cookie(app_settings.EXPERIMENT_COOKIE, samesite="Lax")
