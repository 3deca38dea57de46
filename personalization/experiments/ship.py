"""Stop an experiment and make its winning arm what the slot shows from now on.

The effect is the least surprising one for a slot test: everyone the test covered (its segment,
or every visitor) sees what the winning arm's visitors saw.

- The winner's variant is switched on, given the experiment's segment (or none: everyone),
  no end date, and priority 0, so it is tried before the slot's other variants — as it was,
  for the visitors in that arm, during the test.
- The other treatment arms' variants are switched off (not deleted: they stay in the admin,
  marked "switched off", and can be switched on again).
- The control's variant, if it has one, and the slot's default are left as they are: they are
  what the rules show, and the rules keep showing them to everyone else.
- When control wins, only the treatment arms' variants are switched off: the slot goes on
  showing what its rules choose.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Arm, Experiment
from .services import experiment_stop


@dataclass(frozen=True)
class ShipPlan:
    """What shipping a winner will change, said before the editor confirms."""

    experiment: Experiment
    winner: Arm
    steps: list[str]


def ship_plan(*, experiment: Experiment, winner: Arm) -> ShipPlan:
    """Describe, in the editor's words, what `experiment_ship` would change."""
    audience = (
        _("visitors in the segment “%(segment)s”") % {"segment": experiment.segment}
        if experiment.segment_id
        else _("every visitor")
    )
    slot = experiment.slot.name if experiment.slot is not None else ""
    steps = [
        _("The experiment stops: nobody new is enrolled and “%(arm)s” is recorded as the winner.")
        % {"arm": winner.name}
    ]
    variant = winner.variant
    if variant is not None and not variant.is_default:
        steps.append(
            _(
                "The variant “%(variant)s” is switched on for %(audience)s, without end date "
                "and tried first (priority 0) in the slot “%(slot)s”."
            )
            % {"variant": variant.name, "audience": audience, "slot": slot}
        )
    elif winner.is_control:
        steps.append(
            _("The slot “%(slot)s” goes on showing what its rules choose.") % {"slot": slot}
        )
    for arm in experiment.arms.all():
        if arm.pk == winner.pk or arm.is_control or arm.variant is None:
            continue
        if arm.variant.is_default:
            continue
        steps.append(
            _("The variant “%(variant)s” of the arm “%(arm)s” is switched off (not deleted).")
            % {"variant": arm.variant.name, "arm": arm.name}
        )
    return ShipPlan(experiment, winner, steps)


def experiment_ship(*, experiment: Experiment, winner: Arm, now: datetime.datetime) -> None:
    """Stop the experiment with `winner` and make the winner's content what the slot shows."""
    if winner.experiment_id != experiment.pk:
        raise ValueError("The winner must be an arm of this experiment.")
    with transaction.atomic():
        experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
        experiment_stop(experiment=experiment, winner=winner, at=now)
        for arm in experiment.arms.select_related("variant"):
            variant = arm.variant
            if variant is None or variant.is_default:
                continue
            if arm.pk == winner.pk:
                variant.is_active = True
                variant.segment_id = experiment.segment_id
                variant.priority = 0
                variant.ends_at = None
                if variant.starts_at and variant.starts_at > now:
                    variant.starts_at = now
                variant.save()
            elif not arm.is_control:
                variant.is_active = False
                variant.save()
