"""Recording what enrolled visitors do: the public API the shop and the slots call.

    from personalization.experiments.events import record, record_return
    record(request, EventKind.ADD_TO_BASKET)
    record(visitor, EventKind.ORDER, value=order.total, margin=margin, order_id=order.number)
    record_return(order_id=order.number, value=order.total)

Nothing here touches the database: events are appended to a buffer (buffer.py) and written in
batches by `tasks.drain_events`. Only visitors who take part in an experiment produce events,
each carrying the arm they were given; visitors without analytics consent, search engines and
staff previews produce none. Events are derived from what the server did (a line added, an
order placed), never from numbers a browser sends.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from ..visitor import Source, Visitor
from .assignment import HOLDOUT_KEY, experiments_running, holdout_percent
from .buffer import event_buffer, exposure_buffer
from .models import EventKind
from .sticky import request_state

logger = logging.getLogger(__name__)

__all__ = ["EventKind", "record", "record_assigned", "record_return", "visitor_arms"]


def _visitor(subject: HttpRequest | Visitor | None) -> Visitor | None:
    if subject is None or isinstance(subject, Visitor):
        return subject
    return getattr(subject, "visitor", None)


def visitor_arms(
    visitor: Visitor, *, at: datetime.datetime | None = None, running=None
) -> dict[str, str]:
    """{experiment key: arm key} of the running experiments the visitor takes part in."""
    if visitor.is_preview:
        return {}
    arms = {}
    facts = visitor.facts
    for entry in running if running is not None else experiments_running(at or visitor.now):
        fact = facts.get(entry.fact)
        if fact is not None and fact.value and fact.source == Source.EXPERIMENT:
            arms[entry.key] = fact.value
    return arms


def _segments(visitor: Visitor) -> list[str]:
    """The slugs of the segments this request found the visitor in (those the page tested)."""
    from ..slots import content

    segments = content().segments
    return sorted(
        segments[key[1]].slug for key, result in list(visitor.memo.items())
        if isinstance(key, tuple) and key[:1] == ("segment",) and result is not None
        and key[1] in segments
    )  # fmt: skip


def _amount(value: Any) -> str | None:
    return None if value is None else str(Decimal(value))


def event_items(
    visitor: Visitor,
    kind: str,
    *,
    experiment: str | Collection[str] | None = None,
    value: Any = None,
    margin: Any = None,
    order_id: str | int = "",
    at: datetime.datetime | None = None,
) -> list[str]:
    """The buffer lines of one event: one per running experiment the visitor takes part in
    (or only those of `experiment`, a key or several); none for visitors who cannot be
    counted."""
    visitor_key = visitor.get("experiment_visitor")
    if not visitor_key or visitor.is_preview or visitor.is_bot:
        return []
    at = at or timezone.now()
    running = experiments_running(at)
    arms = visitor_arms(visitor, running=running)
    if experiment is not None:
        wanted = {experiment} if isinstance(experiment, str) else set(experiment)
        arms = {key: arm for key, arm in arms.items() if key in wanted}
    if not arms:
        return []
    by_key = {entry.key: entry for entry in running}
    shared = {
        "v": visitor_key,
        "k": str(kind),
        "x": _amount(value),
        "m": _amount(margin),
        "o": str(order_id or ""),
        "d": visitor.get("device", ""),
        "r": visitor.get("region", "") or "",
        "s": _segments(visitor),
        "t": at.isoformat(),
    }
    items = []
    for key, arm_key in arms.items():
        arm = by_key[key].arm(arm_key)
        if arm is not None:
            items.append(
                json.dumps({"e": by_key[key].id, "a": arm.id, **shared}, separators=(",", ":"))
            )
    return items


def record(
    subject: HttpRequest | Visitor | None,
    kind: str,
    *,
    experiment: str | None = None,
    value: Any = None,
    margin: Any = None,
    order_id: str | int = "",
    at: datetime.datetime | None = None,
) -> int:
    """Buffer one event for each running experiment the visitor takes part in (or only for
    `experiment`, a key); returns how many were buffered. Never raises."""
    try:
        visitor = _visitor(subject)
        if visitor is None:
            return 0
        items = event_items(
            visitor, kind, experiment=experiment, value=value, margin=margin,
            order_id=order_id, at=at,
        )  # fmt: skip
        if not items:
            return 0
        return len(items) if event_buffer().push(items) else 0
    except Exception:
        logger.warning("An experiment event was not recorded", exc_info=True)
        return 0


def record_exposure(request: HttpRequest | None, visitor: Visitor, experiment: str) -> int:
    """The visitor was shown their arm of `experiment`: once per request and experiment.

    With a request, the page's exposures are noted and buffered together once it has answered
    (`exposures_flush`, called by VisitorMiddleware): one set of lines and one call to the
    buffer per page, however many tested slots it shows."""
    memo_key = ("experiment-exposed", experiment)
    if memo_key in visitor.memo:
        return 0
    visitor.memo[memo_key] = True
    if request is None:
        return record(visitor, EventKind.EXPOSURE, experiment=experiment)
    request_state(request).pending.append(experiment)
    return 1


def holdout_exposure(request: HttpRequest, visitor: Visitor) -> int:
    """A page was shown: an exposure in the holdout's experiment (holdout or personalized),
    buffered with the page's other exposures. Never raises."""
    try:
        if holdout_percent() <= 0:
            return 0
        return record_exposure(request, visitor, HOLDOUT_KEY)
    except Exception:
        logger.warning("A holdout exposure was not recorded", exc_info=True)
        return 0


def exposures_flush(request: HttpRequest) -> int:
    """Buffer the exposures this request noted, in one call. Never raises."""
    state = request_state(request)
    keys, state.pending = state.pending, []
    visitor = getattr(request, "visitor", None)
    if not keys or visitor is None:
        return 0
    try:
        items = event_items(visitor, EventKind.EXPOSURE, experiment=keys)
        return len(items) if items and exposure_buffer().push(items) else 0
    except Exception:
        logger.warning("Experiment exposures were not recorded", exc_info=True)
        return 0


def record_return(
    *, order_id: str | int, value: Any = None, at: datetime.datetime | None = None
) -> bool:
    """An order was cancelled or refunded: it counts against the arms its order event carried,
    within the attribution window (the batch writer finds them by the order id)."""
    try:
        item = json.dumps(
            {
                "k": EventKind.RETURN.value,
                "o": str(order_id),
                "x": _amount(value),
                "t": (at or timezone.now()).isoformat(),
            },
            separators=(",", ":"),
        )
        return event_buffer().push([item])
    except Exception:
        logger.warning("An experiment return was not recorded", exc_info=True)
        return False


def record_assigned(
    *,
    experiment_id: int,
    arm_id: int,
    visitor: str,
    kind: str,
    at: datetime.datetime | None = None,
) -> bool:
    """Buffer one event for a visitor whose arm is already known, away from any request (a
    journey's message sent or clicked): `visitor` is the hashed visitor id the arm was given
    to. Never raises."""
    try:
        item = json.dumps(
            {
                "e": experiment_id, "a": arm_id, "v": visitor, "k": str(kind), "x": None,
                "m": None, "o": "", "d": "", "r": "", "s": [],
                "t": (at or timezone.now()).isoformat(),
            },
            separators=(",", ":"),
        )  # fmt: skip
        return event_buffer().push([item])
    except Exception:
        logger.warning("An experiment event was not recorded", exc_info=True)
        return False
