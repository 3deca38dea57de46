"""A first-party visitor id: a random id in a signed cookie on the visitor's own device.

It is issued only when something asks for it (a reward earned, later an experiment), never
derived from the device or its address (no fingerprinting), and dropped with "Erase my data".
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .conf import app_settings
from .signed import signed_cookie

SALT = "personalization.visitor-id"
_FORMAT = re.compile(r"[A-Za-z0-9_-]{22}")


def visitor_id(request: HttpRequest, *, issue: bool = True) -> str:
    """This browser's visitor id; one is issued now (and set on the response) if it has none,
    unless `issue` is false, when an empty string says there is none."""
    # Kept in the request's own attributes: it lives exactly as long as the request.
    cached = vars(request).get("_visitor_id")
    if cached is not None:
        return cached
    value = signed_cookie(request, app_settings.VISITOR_ID_COOKIE, salt=SALT) or ""
    if not _FORMAT.fullmatch(value):
        if not issue:
            return ""
        value = secrets.token_urlsafe(16)
        vars(request)["_visitor_id_issued"] = True
    vars(request)["_visitor_id"] = value
    return value


def visitor_id_save(request: HttpRequest, response: HttpResponse) -> None:
    """Set the cookie of an id issued during this request."""
    if vars(request).get("_visitor_id_issued", False):
        response.set_signed_cookie(
            app_settings.VISITOR_ID_COOKIE,
            vars(request)["_visitor_id"],
            salt=SALT,
            max_age=app_settings.COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def visitor_id_forget(response: HttpResponse) -> None:
    response.delete_cookie(app_settings.VISITOR_ID_COOKIE, samesite="Lax")
