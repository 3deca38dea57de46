"""Staff "view as": facts a staff member sets for their own browser, to see the site as a given
visitor would. Kept in their session, so it never reaches anyone else; a previewing visitor is
marked `is_preview` and is never counted.

A staff member can share a preview as a signed link, valid for a few hours, with a colleague who
is not staff: opening it starts the same preview in the colleague's browser until it expires.
"""

from __future__ import annotations

import time
from typing import Any

from django.core import signing
from django.http import HttpRequest

from .facts import LIST, Operator, fact_spec
from .models import Segment, SegmentMatch

SESSION_KEY = "visitor_preview"
EXPIRES_KEY = "visitor_preview_expires"
PREVIEW_LINK_HOURS = 4
SALT = "personalization.preview"


def preview_allowed(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


def preview_overrides(request: HttpRequest) -> dict[str, Any] | None:
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    expires = session.get(EXPIRES_KEY)
    if expires is not None:  # opened from a shared link: anyone, until it expires
        return session[SESSION_KEY] if time.time() < expires else None
    return session[SESSION_KEY] if preview_allowed(request) else None


def preview_start(request: HttpRequest, facts: dict[str, Any], *, shared: bool = False) -> None:
    # Empty fields keep the real facts; a place keeps its region even when that is "none".
    kept = {name: value for name, value in facts.items() if value not in ("", None, [])}
    if "country" in kept:
        kept.setdefault("region", None)
    request.session[SESSION_KEY] = kept
    if shared:
        request.session[EXPIRES_KEY] = time.time() + PREVIEW_LINK_HOURS * 3600
    else:
        request.session.pop(EXPIRES_KEY, None)


def preview_stop(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(EXPIRES_KEY, None)


def preview_token(facts: dict[str, Any]) -> str:
    return signing.dumps(facts, salt=SALT, compress=True)


def preview_from_token(token: str) -> dict[str, Any] | None:
    try:
        facts = signing.loads(token, salt=SALT, max_age=PREVIEW_LINK_HOURS * 3600)
    except signing.BadSignature:
        return None
    return facts if isinstance(facts, dict) else None


def segment_example_facts(segment: Segment) -> dict[str, Any]:
    """Facts of a visitor who matches the segment: a value that satisfies each condition
    (for "any", the first one is enough; "none" needs no particular facts)."""
    if segment.match == SegmentMatch.NONE:
        return {}
    conditions = list(segment.conditions.all())
    if segment.match == SegmentMatch.ANY:
        conditions = conditions[:1]
    facts: dict[str, Any] = {}
    for condition in conditions:
        value = condition.value
        if condition.operator == Operator.IS_SET:
            value = "yes"
        elif condition.operator == Operator.NOT_IN:
            continue  # anything else satisfies it
        elif isinstance(value, list):
            value = value[0]
        spec = fact_spec(condition.fact)
        if spec is not None and spec.kind == LIST:
            value = [value]
        if spec is not None and spec.preview_as is not None:
            facts.update(spec.preview_as(value))
        else:
            facts[condition.fact] = value
    return facts
