"""Lifecycle journeys from `journeys.json`: after the order, and a basket reminder.

Loaded switched on (from the first load: earlier orders start nothing), in English and Japanese.
`manage.py demo_clock --advance 1d` then plays a demo order's journey (see README "Journeys").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from shop.demo.rows import CREATED, UNCHANGED, UPDATED, Tally, records_read, upsert
from shop.journeys.models import Journey, Step


@dataclass(frozen=True, kw_only=True)
class DemoJourney:
    key: str
    name: str
    trigger: str
    holdout_percent: int = 0
    steps: list[dict[str, Any]] = field(default_factory=list)


def journeys_load(*, tally: Tally) -> None:
    for demo in records_read(name="journeys", record=DemoJourney):
        journey, outcome = upsert(
            Journey,
            {"key": demo.key},
            {
                "name": demo.name,
                "trigger": demo.trigger,
                "holdout_percent": demo.holdout_percent,
                "active": True,
            },
        )
        if journey.active_since is None:
            journey.active_since = timezone.now()
            journey.save(update_fields=["active_since"])
        steps = [
            upsert(Step, {"journey": journey, "position": position}, values)[1]
            for position, values in enumerate(demo.steps)
        ]
        if outcome == UNCHANGED and set(steps) - {UNCHANGED}:
            outcome = UPDATED
        tally.add("Journeys", CREATED if outcome == CREATED else outcome)
