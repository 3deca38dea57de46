"""A running experiment on the home hero, with three weeks of simulated visitors.

`experiments.json` holds the experiment, its arms (a treatment arm's variant is created switched
off: only the experiment shows it) and the history to simulate. The history goes through the
engine's own assignment and event recording (personalization.experiments.simulation), so the
report in the admin reads what a real run would have left. It is simulated once: a second load
finds visitors enrolled and leaves them alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from personalization.experiments.models import (
    Arm,
    Enrollment,
    Experiment,
    ExperimentKind,
    ExperimentStatus,
)
from personalization.experiments.services import experiment_start
from personalization.experiments.simulation import Simulation, experiment_simulate
from personalization.models import Segment, Slot, Variant
from shop.demo.rows import Tally, records_read, upsert


@dataclass(frozen=True, kw_only=True)
class DemoExperiment:
    key: str
    name: str
    slot: str
    arms: list[dict[str, Any]]  # {key, name, weight, is_control?, variant?: {name, headline…}}
    history: dict[str, Any]  # {visitors, days, rates: {arm: rate}, segments: {slug: share}, seed}
    hypothesis: str = ""
    primary_metric: str = "conversion"
    guardrail_metrics: list[str] = field(default_factory=list)


def experiments_load(*, tally: Tally) -> list[str]:
    """Create or restore the demo experiments and simulate their history once; returns notes.

    Runs after the demo's own transaction: the engine sees a running experiment once it is
    committed, as it would in production."""
    notes = []
    for demo in records_read(name="experiments", record=DemoExperiment):
        with transaction.atomic():
            experiment = _experiment_load(demo, tally)
        if experiment.status != ExperimentStatus.RUNNING:
            try:
                experiment_start(
                    experiment=experiment,
                    at=timezone.now() - datetime.timedelta(days=demo.history["days"]),
                )
            except ValidationError as error:
                notes.append(f"Experiment {demo.key} not started: {' '.join(error.messages)}")
                continue
        if Enrollment.objects.filter(experiment=experiment).exists():
            continue
        shares = demo.history.get("segments", {})
        ids = dict(Segment.objects.filter(slug__in=shares).values_list("slug", "id"))
        result = experiment_simulate(
            experiment=experiment,
            simulation=Simulation(
                visitors=demo.history["visitors"],
                rates=demo.history["rates"],
                days=demo.history["days"],
                seed=demo.history["seed"],
                segments={ids[slug]: share for slug, share in shares.items() if slug in ids},
            ),
            now=timezone.now(),
        )
        notes.append(f"Experiment {demo.key}: {result.visitors} visitors simulated")
    return notes


def _experiment_load(demo: DemoExperiment, tally: Tally) -> Experiment:
    slot = Slot.objects.get(key=demo.slot)
    experiment, outcome = upsert(
        Experiment,
        {"key": demo.key},
        {
            "name": demo.name,
            "hypothesis": demo.hypothesis,
            "kind": ExperimentKind.SLOT,
            "slot": slot,
            "primary_metric": demo.primary_metric,
            "guardrail_metrics": list(demo.guardrail_metrics),
        },
    )
    tally.add("Experiments", outcome)
    for arm in demo.arms:
        variant = None
        if arm.get("variant"):
            spec = arm["variant"]
            variant, _outcome = upsert(
                Variant,
                {"slot": slot, "name": spec["name"]},
                {
                    "headline": spec["headline"],
                    "body": spec.get("body", ""),
                    "cta_label": spec.get("cta_label", ""),
                    "cta_url": spec.get("cta_url", ""),
                    "priority": 500,
                    # Switched off: the rules never show it, only the experiment's arm does.
                    "is_active": False,
                },
            )
        upsert(
            Arm,
            {"experiment": experiment, "key": arm["key"]},
            {
                "name": arm["name"],
                "weight": arm.get("weight", 1),
                "is_control": arm.get("is_control", False),
                "variant": variant,
            },
        )
    return experiment
