"""Simulated visitors with a known true effect, through the engine's own assignment and events.

Each simulated visitor has an id; the experiment's hash (`assignment.arm_pick`) gives them an
arm exactly as it would a real browser, `events.record` buffers their exposure and, with the
arm's true conversion rate, an order; the batch writer (`services.events_drain`) moves the
buffer into the database. The report then reads what a real run would have left. This is how
we check that the report finds an effect that is there, finds none in an A/A test, and catches
a broken split — and how the demo gets a history.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from ..visitor import Fact, Source, Visitor
from .assignment import arm_pick, experiments, is_enrolled, visitor_hash
from .events import record
from .models import EventKind, Experiment
from .services import events_drain

DEVICES = (("mobile", 0.55), ("desktop", 0.35), ("tablet", 0.10))
REGIONS = (("JP-13", 0.35), ("JP-27", 0.2), ("JP-01", 0.15), ("JP-47", 0.1), ("JP-28", 0.2))
DRAIN_EVERY = 2000  # visitors between drains, so the buffer stays small


@dataclass(frozen=True)
class Simulation:
    """What to simulate: per arm key its true conversion rate (and, to break the split on
    purpose, the share of its visitors whose events are lost)."""

    visitors: int
    rates: Mapping[str, float]
    lost: Mapping[str, float] = field(default_factory=dict)
    # Segments a visitor is found in (as the page's slot choices would find them), by id,
    # with the share of visitors in each; events carry their slugs.
    segments: Mapping[int, float] = field(default_factory=dict)
    order_value: float = 4000.0  # mean order value, in the shop's currency
    days: int = 14
    seed: int = 1
    start: datetime.datetime | None = None


@dataclass(frozen=True)
class SimulationResult:
    visitors: int  # simulated
    enrolled: dict[str, int]  # per arm key, before any loss
    events: int  # written to the database


def _pick(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def experiment_simulate(
    *, experiment: Experiment, simulation: Simulation, now: datetime.datetime
) -> SimulationResult:
    """Send `simulation.visitors` visitors through the running `experiment`'s arms."""
    entry = experiments().by_key[experiment.key]
    rng = random.Random(simulation.seed)
    start = simulation.start or now - datetime.timedelta(days=simulation.days)
    seconds = max(1, int((now - start).total_seconds()) - 3600)
    enrolled: dict[str, int] = {arm.key: 0 for arm in entry.arms}
    written = 0
    for number in range(simulation.visitors):
        visitor_id = f"sim{simulation.seed}-{number}"
        if not is_enrolled(entry, visitor_id):
            continue
        arm = arm_pick(entry, visitor_id)
        enrolled[arm.key] += 1
        if rng.random() < simulation.lost.get(arm.key, 0.0):
            continue  # the broken split: this visitor's events never arrive
        # Spread over the days, more visitors as the days go on, as a new test is promoted.
        at = start + datetime.timedelta(seconds=int(seconds * rng.random() ** 0.8))
        visitor = Visitor(
            facts=MappingProxyType(
                {
                    "experiment_visitor": Fact(visitor_hash(visitor_id), Source.EXPERIMENT),
                    entry.fact: Fact(arm.key, Source.EXPERIMENT),
                    "device": Fact(_pick(rng, DEVICES), Source.DEFAULT),
                    "region": Fact(_pick(rng, REGIONS), Source.DEFAULT),
                }
            ),
            now=at,
        )
        for segment_id, share in simulation.segments.items():
            if rng.random() < share:
                # What slot_choose leaves behind when a segment matched (see slots.py).
                visitor.memo[("segment", segment_id)] = ()
        record(visitor, EventKind.EXPOSURE, experiment=entry.key, at=at)
        if rng.random() < simulation.rates.get(arm.key, 0.0):
            value = Decimal(round(rng.expovariate(1 / simulation.order_value)) + 500)
            record(
                visitor,
                EventKind.ORDER,
                experiment=entry.key,
                value=value,
                margin=(value * Decimal("0.3")).quantize(Decimal(1)),
                order_id=f"SIM-{simulation.seed}-{number}",
                at=at + datetime.timedelta(minutes=rng.randint(2, 50)),
            )
        if number % DRAIN_EVERY == DRAIN_EVERY - 1:
            written += events_drain(max_batches=10_000)
    written += events_drain(max_batches=10_000)
    return SimulationResult(simulation.visitors, enrolled, written)
