"""Consent: what the visitor allowed us to do, kept in a signed cookie on their device.

Recording the choice itself is essential (otherwise we would ask on every page). A browser that
sends the Global Privacy Control signal (`Sec-GPC: 1`) never gets analytics, whatever it chose.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .conf import app_settings
from .signed import signed_cookie

PURPOSES = ("essential", "personalization", "analytics")
SALT = "personalization.consent"


@dataclass(frozen=True)
class ConsentState:
    granted: tuple[str, ...]
    chosen: bool
    gpc: bool

    def allows(self, purpose: str) -> bool:
        return purpose in self.granted


def consent_for_request(request: HttpRequest) -> ConsentState:
    """The request's consent, read once per request (a tampered cookie counts as no choice)."""
    # Kept in the request's own attributes: it lives exactly as long as the request.
    cached = vars(request).get("_consent_state")
    if cached is not None:
        return cached
    gpc = request.META.get("HTTP_SEC_GPC", "").strip() == "1"
    raw = signed_cookie(request, app_settings.CONSENT_COOKIE, salt=SALT)
    named = set(raw.split(",")) if raw is not None else set()
    chosen = raw is not None and named <= set(PURPOSES)
    granted = {"essential"} | (named if chosen else set())
    if gpc:
        granted.discard("analytics")
    state = ConsentState(tuple(p for p in PURPOSES if p in granted), chosen, gpc)
    vars(request)["_consent_state"] = state
    return state


def consent_state(request: HttpRequest, purposes: set[str]) -> ConsentState:
    """The consent a choice just made gives, for the rest of this request."""
    gpc = request.META.get("HTTP_SEC_GPC", "").strip() == "1"
    granted = {"essential"} | purposes
    if gpc:
        granted.discard("analytics")
    return ConsentState(tuple(p for p in PURPOSES if p in granted), True, gpc)


def consent_store(response: HttpResponse, *, purposes: set[str]) -> None:
    """Remember a consent choice on the visitor's device."""
    granted = [p for p in PURPOSES if p in purposes | {"essential"}]
    response.set_signed_cookie(
        app_settings.CONSENT_COOKIE,
        ",".join(granted),
        salt=SALT,
        max_age=app_settings.COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )
