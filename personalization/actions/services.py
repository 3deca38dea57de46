"""Showing a place's action on a page: choose it once per request and count it.

Counting is what the page did, never a database write: the weekly caps go to a cookie
(memory.py), exposures to the experiments' event buffer."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django_ratelimit.core import get_usage

from ..conf import app_settings
from ..decisions import decision
from ..experiments.events import EventKind, record, record_exposure
from ..experiments.views import click_url
from ..resolvers.network import client_address
from .base import PLACES, Action
from .choose import choose_action, context_for
from .memory import seen_note

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ..visitor import Visitor

logger = logging.getLogger(__name__)


def action_for(request: HttpRequest, place: str) -> Action | None:
    """The action chosen for `place` on this request (chosen once, however often asked)."""
    visitor: Visitor | None = getattr(request, "visitor", None)
    if visitor is None or place not in PLACES:
        return None
    memo_key = ("next-best-action", place)
    if memo_key not in visitor.memo:
        try:
            visitor.memo[memo_key] = choose_action(visitor, context_for(request, place))
        except Exception:
            # A broken provider or lost state must never take the page down with it.
            logger.warning("No next best action for %s", place, exc_info=True)
            visitor.memo[memo_key] = None
    return visitor.memo[memo_key]


def action_shown(request: HttpRequest, place: str) -> Action | None:
    """Choose `place`'s action and count it as shown: the weekly cap, and an exposure for the
    with/without experiment (its control arm is exposed to the page without one)."""
    action = action_for(request, place)
    visitor = getattr(request, "visitor", None)
    if visitor is None or visitor.is_preview:
        return action
    record_exposure(request, visitor, app_settings.ACTION_EXPERIMENT)
    # Counting showings needs a cookie: only for visitors who let us remember them. Without
    # it, a capped kind shows on every page, as any slot's content does.
    if action is not None and visitor.allows("personalization"):
        seen_note(request, action.kind, visitor.now)
    return action


def action_rate_limited(request: HttpRequest, group: str) -> bool:
    """Whether this client address posted to `group` more than `ACTION_RATE` allows. When the
    shared cache cannot count, the post goes ahead (fail open): the limit spares us floods of
    writes, it protects nothing secret."""
    usage = get_usage(
        request,
        group=group,
        key=lambda group, request: client_address(request),
        rate=app_settings.ACTION_RATE,
        increment=True,
    )
    return bool(usage is not None and usage["should_limit"] and usage["limit"] > 0)


def action_clicked(request: HttpRequest) -> int:
    """A shopper followed an action whose button posts (the others count through the
    experiments' click link)."""
    return record(request, EventKind.CLICK, experiment=app_settings.ACTION_EXPERIMENT)


def _cta_href(request: HttpRequest, action: Action) -> str:
    """The button's link, through the experiments' click counter for a visitor who takes part
    in the with/without experiment."""
    visitor = getattr(request, "visitor", None)
    key = app_settings.ACTION_EXPERIMENT
    if visitor is not None and visitor.get(f"experiment.{key}"):
        return click_url(key, action.url)
    return action.url


@decision("next-best-action")
def action_decided(request: HttpRequest, place: str) -> tuple[Action | None, str]:
    """The place's action and its button's link, counted as shown: a decision, so a page
    cache shares the page between visitors offered the same action (and, asked again for each
    of them, it is counted for each)."""
    action = action_shown(request, place)
    return action, _cta_href(request, action) if action else ""


def action_html(request: HttpRequest, place: str, *, oob: bool = False) -> str:
    """The place's markup: the action, or an empty placeholder htmx can swap into."""
    action, cta_href = action_decided(request, place)
    return render_to_string(
        "personalization/actions/_action.html",
        {
            "action": action,
            "place": place,
            "oob": oob,
            "cta_href": cta_href,
        },
        request=request,
    )
