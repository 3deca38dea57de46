"""Choosing the one next best action for a place: providers propose, the chooser filters and
keeps the best. `choose_action` is pure given the visitor and the context (no query of its own,
no write): the page cache can treat its answer as one of a page's decisions."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.module_loading import import_string

from ..conf import app_settings
from ..experiments.views import local_target
from ..visitor import Source, Visitor
from .base import PLACES, Action, ActionContext, Provider, StateLoader
from .memory import dismissals_for, is_dismissed, seen_count, seen_for

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

# Shared state personalization itself provides: what the visitor turned away and saw.
DISMISSALS, SEEN = "action-dismissals", "action-seen"


def _dismissals(visitor: Visitor, context: ActionContext) -> dict[str, float | None]:
    return dismissals_for(context.request)


def _seen(visitor: Visitor, context: ActionContext) -> dict[str, list[int]]:
    return seen_for(context.request)


@cache
def _providers(paths: tuple[str, ...]) -> tuple[Provider, ...]:
    return tuple(import_string(path) for path in paths)


@cache
def _loaders(items: tuple[tuple[str, str], ...]) -> dict[str, StateLoader]:
    loaders: dict[str, StateLoader] = {DISMISSALS: _dismissals, SEEN: _seen}
    loaders.update({name: import_string(path) for name, path in items})
    return loaders


def providers() -> tuple[Provider, ...]:
    return _providers(tuple(app_settings.ACTION_PROVIDERS))


def state_loaders() -> dict[str, StateLoader]:
    return _loaders(tuple(sorted(dict(app_settings.ACTION_STATE).items())))


def context_for(
    request: HttpRequest | None,
    place: str,
    *,
    visitor: Visitor | None = None,
    now: datetime.datetime | None = None,
) -> ActionContext:
    """The context for one place of a page. Every place of one request shares one state cache:
    the orders are loaded once, however many places and providers read them."""
    if visitor is None:
        visitor = getattr(request, "visitor", None)
    state: dict[str, Any] = vars(request).setdefault("_actions_state", {}) if request else {}
    return ActionContext(
        place=place,
        now=now or (visitor.now if visitor is not None else timezone.now()),
        request=request,
        user=getattr(request, "user", None),
        cache=state,
        loaders=state_loaders(),
        visitor=visitor,
    )


def state_forget(request: HttpRequest, name: str) -> None:
    """Drop one loaded part of the request's shared state, after changing what it holds."""
    vars(request).get("_actions_state", {}).pop(name, None)


def candidates(visitor: Visitor, context: ActionContext) -> list[Action]:
    """Every action the providers propose; a provider that fails is left out, never the page."""
    found: list[Action] = []
    for provider in providers():
        try:
            found.extend(provider(visitor, context))
        except Exception:
            logger.warning("Action provider %r failed", provider, exc_info=True)
    return found


def _safe(action: Action) -> bool:
    """Links stay on this site (a phone number may be called): a provider's bug or a stored
    value can never send a shopper elsewhere."""
    secondary = action.secondary_url
    return local_target(action.url) and (
        not secondary or local_target(secondary) or secondary.startswith("tel:")
    )


def eligible(action: Action, context: ActionContext) -> bool:
    """Whether `action` may be shown in this context: its place, not leading to the page it
    would be shown on, not expired, not turned away, under its weekly cap."""
    if context.place not in action.places or not _safe(action):
        return False
    if context.request is not None and action.url == context.request.path:
        return False  # never "go to this page" on the page itself
    if action.expires_at is not None and action.expires_at <= context.now:
        return False
    if is_dismissed(context.shared(DISMISSALS, {}), action.kind, context.now):
        return False
    cap = action.weekly_cap
    return cap is None or seen_count(context.shared(SEEN, {}), action.kind, context.now) < cap


def in_control(visitor: Visitor) -> bool:
    """Whether the visitor is in the control arm of the with/without experiment."""
    fact = visitor.facts.get(f"experiment.{app_settings.ACTION_EXPERIMENT}")
    if fact is None or not fact.value or fact.source != Source.EXPERIMENT:
        return False
    from ..experiments.assignment import experiments_running

    running = {entry.key: entry for entry in experiments_running(visitor.now)}
    entry = running.get(app_settings.ACTION_EXPERIMENT)
    arm = entry.arm(fact.value) if entry is not None else None
    return bool(arm and arm.is_control)


def choose_action(visitor: Visitor, context: ActionContext) -> Action | None:
    """The single most useful action for this visitor in this place now, or None."""
    if context.place not in PLACES or visitor.is_bot or in_control(visitor):
        return None
    best: Action | None = None
    for action in candidates(visitor, context):
        # Ties go to the smaller key, so the same facts always give the same answer.
        if eligible(action, context) and (
            best is None
            or action.score > best.score
            or (action.score == best.score and action.key < best.key)
        ):
            best = action
    return best


def kinds_offered(visitor: Visitor, context: ActionContext) -> Mapping[str, Action]:
    """kind → action of every candidate for this place (to check what a visitor turns away)."""
    return {a.kind: a for a in candidates(visitor, context) if context.place in a.places}
