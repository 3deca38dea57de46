"""The facts experiments add: `holdout`, and `experiment.<key>` for every experiment.

`experiment.<key>` is the key of the visitor's arm, or "" when they do not take part; rules can
test it ("experiment.winter-offer is treatment"), which is how the shop targets an offer at an
arm. The facts come and go with the experiments, read from their snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..facts import BOOL, CHOICE, FactSpec, register_fact, register_fact_source
from .assignment import ExperimentEntry, experiments
from .models import ExperimentKind

PREFIX = "experiment."
GROUP = "experiments"

HOLDOUT = FactSpec(
    name="holdout",
    kind=BOOL,
    label=_("Standard content only"),
    group=GROUP,
    source="a hash of the visitor id: a small share of visitors sees the defaults everywhere",
    operators=(),
    display=lambda value: str(
        _("yes: you see what everyone sees, so we can measure what personalization adds")
        if value
        else _("no")
    ),
    preview=True,
)
# The hashed visitor id events are stored under (never shown, never used by rules).
VISITOR = FactSpec(
    name="experiment_visitor",
    kind=CHOICE,
    label=_("Test id"),
    group=GROUP,
    source="a keyed hash of the first-party visitor id, with analytics consent",
    operators=(),
    personal=True,
    shown=False,
)


def experiment_fact(entry: ExperimentEntry) -> FactSpec:
    # The holdout's own experiment: the `holdout` fact already tells the visitor and rules.
    builtin = entry.kind == ExperimentKind.HOLDOUT
    arms = [(arm.key, arm.name) for arm in entry.arms]

    def choices() -> list[tuple[str, str]]:
        return [*arms, ("", str(_("not taking part")))]

    def display(value: Any) -> str:
        names = dict(arms)
        if not value:
            return str(_("not taking part"))
        return str(_("you are part of this test (%(arm)s)") % {"arm": names.get(value, value)})

    return FactSpec(
        name=f"{PREFIX}{entry.key}",
        kind=CHOICE,
        label=_("Test: %(name)s") % {"name": entry.name},
        group=GROUP,
        source="the experiment's hash of the visitor id, or the arm kept in the test cookie",
        choices=choices,
        display=display,
        preview=not builtin,
        shown=not builtin,
        # Arms may be added or renamed while rules that name them exist.
        strict_choices=False,
    )


def experiment_facts() -> Iterable[FactSpec]:
    return [experiment_fact(entry) for entry in experiments().by_key.values()]


def register_experiment_facts() -> None:
    register_fact(HOLDOUT)
    register_fact(VISITOR)
    register_fact_source(experiment_facts)
