"""What the site remembers about actions a visitor saw or turned away.

- "Not now" / "never" per kind: in the session for anonymous visitors (like profile questions'
  "Not now"), in `ActionDismissal` rows for accounts (one query per request, read once), moved
  from the session to the account on sign-in.
- How often each kind was shown, for the weekly caps: a small signed cookie (kinds and times,
  nothing else), written once per response by `ActionsMiddleware`. It is kept per browser so
  that counting a page view never writes to the database.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from ..conf import app_settings
from .models import ActionDismissal

DISMISSED_KEY = "actions_dismissed"
SEEN_SALT = "personalization.actions.seen"
KIND_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")
# At most this many kinds are remembered per visitor (the oldest choices go first), so that no
# script can make a session or an account grow without bound.
KINDS_KEPT = 50
# Shown-at times kept per kind: enough for any weekly cap worth having.
SEEN_KEPT = 20
WEEK = 7 * 24 * 3600


def _signed_in(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def dismissals_for(request: HttpRequest | None) -> dict[str, float | None]:
    """kind → hidden until (a timestamp), or None for "never"; read once per request."""
    if request is None:
        return {}
    cached = vars(request).get("_actions_dismissed")
    if cached is not None:
        return cached
    user = _signed_in(request)
    if user is not None:
        dismissed = {
            row.kind: row.until.timestamp() if row.until else None
            for row in ActionDismissal.objects.filter(user=user)
        }
    elif hasattr(request, "session"):
        dismissed = dict(request.session.get(DISMISSED_KEY, {}))
    else:
        dismissed = {}
    vars(request)["_actions_dismissed"] = dismissed
    return dismissed


def is_dismissed(dismissed: dict[str, float | None], kind: str, now: datetime.datetime) -> bool:
    if kind not in dismissed:
        return False
    until = dismissed[kind]
    return until is None or now.timestamp() < until


def action_dismiss(
    *, request: HttpRequest, kind: str, forever: bool, now: datetime.datetime
) -> None:
    """Hide a kind of action: for `ACTION_SNOOZE_HOURS` ("not now") or for good ("never")."""
    if not KIND_PATTERN.fullmatch(kind):
        raise ValueError(f"{kind!r} is not a kind of action")
    until = None if forever else now + datetime.timedelta(hours=app_settings.ACTION_SNOOZE_HOURS)
    user = _signed_in(request)
    if user is not None:
        with transaction.atomic():
            ActionDismissal.objects.update_or_create(
                user=user, kind=kind, defaults={"until": until}
            )
            stale = ActionDismissal.objects.filter(user=user).order_by("-updated_at")[KINDS_KEPT:]
            ActionDismissal.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    else:
        stored = dict(request.session.get(DISMISSED_KEY, {}))
        stored.pop(kind, None)  # re-inserted last: the newest choice is the last one dropped
        stored[kind] = until.timestamp() if until else None
        request.session[DISMISSED_KEY] = dict(list(stored.items())[-KINDS_KEPT:])
    vars(request)["_actions_dismissed"] = None


@transaction.atomic
def dismissals_adopt(*, request: HttpRequest, user: Any) -> None:
    """On sign-in, move the session's choices into the account. "Never" wins over "not now",
    and of two "not now"s the later end."""
    stored = request.session.pop(DISMISSED_KEY, None) or {}
    if not stored:
        return
    existing = {
        row.kind: row for row in ActionDismissal.objects.select_for_update().filter(user=user)
    }
    for kind, until in list(stored.items())[-KINDS_KEPT:]:
        if not isinstance(kind, str) or not KIND_PATTERN.fullmatch(kind):
            continue
        moment = None if until is None else datetime.datetime.fromtimestamp(until, tz=datetime.UTC)
        current = existing.get(kind)
        if current is not None and (
            current.until is None or (moment is not None and current.until >= moment)
        ):
            continue
        ActionDismissal.objects.update_or_create(user=user, kind=kind, defaults={"until": moment})
    vars(request)["_actions_dismissed"] = None


def dismissals_forget(*, request: HttpRequest) -> None:
    """Forget every choice (the visitor erased their data)."""
    user = _signed_in(request)
    if user is not None:
        ActionDismissal.objects.filter(user=user).delete()
    if hasattr(request, "session"):
        request.session.pop(DISMISSED_KEY, None)
    vars(request)["_actions_dismissed"] = None


def seen_for(request: HttpRequest | None) -> dict[str, list[int]]:
    """kind → the times (Unix seconds) it was shown in the last week, from the cookie; a cookie
    that was tampered with counts as empty."""
    if request is None:
        return {}
    cached = vars(request).get("_actions_seen")
    if cached is not None:
        return cached
    raw = request.COOKIES.get(app_settings.ACTION_SEEN_COOKIE, "")
    seen: dict[str, list[int]] = {}
    if raw:
        try:
            data = signing.loads(raw, salt=SEEN_SALT, max_age=WEEK)
        except signing.BadSignature:
            data = {}
        if isinstance(data, dict):
            for kind, times in list(data.items())[-KINDS_KEPT:]:
                if isinstance(kind, str) and isinstance(times, list):
                    seen[kind] = [t for t in times if isinstance(t, int)][-SEEN_KEPT:]
    vars(request)["_actions_seen"] = seen
    return seen


def seen_count(seen: dict[str, list[int]], kind: str, now: datetime.datetime) -> int:
    """How many times `kind` was shown in the seven days before `now`."""
    since = now.timestamp() - WEEK
    return sum(1 for t in seen.get(kind, ()) if t > since)


def seen_note(request: HttpRequest, kind: str, now: datetime.datetime) -> None:
    """Count one showing of `kind` (once per request, however many places show it)."""
    noted: set[str] = vars(request).setdefault("_actions_seen_noted", set())
    if kind in noted:
        return
    noted.add(kind)
    seen = seen_for(request)
    stamp = int(now.timestamp())
    seen[kind] = [t for t in seen.get(kind, []) if t > stamp - WEEK][-(SEEN_KEPT - 1) :] + [stamp]
    # Most recently shown last, so that the oldest kinds are the ones dropped.
    seen[kind] = seen.pop(kind)
    vars(request)["_actions_seen_dirty"] = True


def seen_write(request: HttpRequest, response: HttpResponse) -> None:
    """Write the counts back when this request showed an action (or delete them when the
    visitor erased their data)."""
    if vars(request).get("_actions_seen_forget"):
        response.delete_cookie(app_settings.ACTION_SEEN_COOKIE, samesite="Lax")
        return
    if not vars(request).get("_actions_seen_dirty"):
        return
    seen = dict(list(seen_for(request).items())[-KINDS_KEPT:])
    response.set_cookie(
        app_settings.ACTION_SEEN_COOKIE,
        signing.dumps(seen, salt=SEEN_SALT, compress=True),
        max_age=WEEK,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def seen_forget_later(request: HttpRequest) -> None:
    """Delete the counts cookie with this request's response."""
    vars(request)["_actions_seen_forget"] = True
