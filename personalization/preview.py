"""Staff "view as": facts a staff member sets for their own browser, to see the site as a given
visitor would. Kept in their session, so it never reaches anyone else; a previewing visitor is
marked `is_preview` and is never counted."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

SESSION_KEY = "visitor_preview"


def preview_allowed(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


def preview_overrides(request: HttpRequest) -> dict[str, Any] | None:
    if not preview_allowed(request):
        return None
    return request.session.get(SESSION_KEY) or None


def preview_start(request: HttpRequest, facts: dict[str, Any]) -> None:
    # Empty fields keep the real facts; a place keeps its region even when that is "none".
    kept = {name: value for name, value in facts.items() if value not in ("", None)}
    if "country" in kept:
        kept.setdefault("region", None)
    request.session[SESSION_KEY] = kept


def preview_stop(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
