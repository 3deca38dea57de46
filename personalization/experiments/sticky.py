"""Arms a visitor has been given, kept in a signed cookie on their device ("sticky bucketing").

The cookie lists `experiment_key:arm_key` pairs. While an experiment runs, an arm listed here
wins over the hash, so raising one arm's weight mid-run moves nobody who already saw an arm;
pairs of experiments that no longer run are dropped the next time the cookie is written.
A signed-in shopper's browser arms are also kept with their account (see signals.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ..conf import app_settings
from ..signed import signed_cookie

SALT = "personalization.experiments.sticky"
SESSION_KEY = "experiments_visitor_id"
_PAIR = re.compile(r"[-a-zA-Z0-9_]{1,50}:[-a-zA-Z0-9_]{1,30}")
MAX_PAIRS = 50


@dataclass
class RequestState:
    """What experiments note on one request: its arms, and what to do once it has answered."""

    sticky: dict[str, str] | None = None  # the arms kept on the device (as read, then as kept)
    sticky_changed: bool = False
    offers_assigned: list[str] = field(default_factory=list)  # offer tests joined just now
    pending: list[str] = field(default_factory=list)  # experiments exposed, buffered after


def request_state(request: HttpRequest) -> RequestState:
    state = vars(request).get("_experiments")
    if state is None:
        state = vars(request)["_experiments"] = RequestState()
    return state


def sticky_parse(raw: str | None) -> dict[str, str]:
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
    state = request_state(request)
    if state.sticky is None:
        raw = signed_cookie(request, app_settings.EXPERIMENT_COOKIE, salt=SALT) or ""
        state.sticky = sticky_parse(raw)
    return state.sticky


def sticky_keep(request: HttpRequest, pairs: dict[str, str]) -> None:
    """Remember these arms for the rest of the request, and on the device once it answers."""
    state = request_state(request)
    state.sticky = dict(pairs)
    state.sticky_changed = True


def offers_assigned(request: HttpRequest) -> list[str]:
    """Keys of the offer experiments this request gave the visitor an arm in."""
    return request_state(request).offers_assigned


def assignments_save(request: HttpRequest, response: HttpResponse) -> None:
    """After the response (VisitorMiddleware calls it): buffer the page's exposures — tested
    slots rendered, offer tests the visitor just joined — in one call, and keep new arms in
    the cookie."""
    from .events import exposures_flush, record_exposure

    state = vars(request).get("_experiments")
    if state is None:
        return  # the request never looked at experiments
    visitor = getattr(request, "visitor", None)
    if visitor is not None:
        for key in state.offers_assigned:
            record_exposure(request, visitor, key)
    exposures_flush(request)
    sticky_save(request, response)


def sticky_save(request: HttpRequest, response: HttpResponse) -> None:
    """Set the cookie if this request gave the visitor a new arm."""
    state = request_state(request)
    if not state.sticky_changed:
        return
    pairs = state.sticky or {}
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
