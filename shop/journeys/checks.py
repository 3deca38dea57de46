"""Start-up checks for the journeys' settings: a wrong one is said once, not met at night."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, register


@register()
def journeys_settings_check(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list:
    errors = []
    daytime = getattr(settings, "JOURNEYS_DAYTIME", None)
    if not (
        isinstance(daytime, tuple | list)
        and len(daytime) == 2
        and all(isinstance(hour, int) for hour in daytime)
        and 0 <= daytime[0] < daytime[1] <= 24
    ):
        errors.append(
            Error(
                f"JOURNEYS_DAYTIME {daytime!r} is not a (first hour, last hour) pair.",
                hint="E.g. (9, 20): messages go out from 09:00 until 20:00 local time.",
                id="journeys.E001",
            )
        )
    for name in ("JOURNEYS_CAP_MESSAGES", "JOURNEYS_CAP_HOURS", "JOURNEYS_BATCH"):
        value = getattr(settings, name, None)
        if not isinstance(value, int) or value < 1:
            errors.append(
                Error(f"{name} {value!r} must be a whole number of at least 1.", id="journeys.E002")
            )
    return errors


@register(deploy=True)
def journeys_demo_clock_check(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list:
    """`check --deploy`: production never has the demo clock."""
    if getattr(settings, "JOURNEYS_DEMO_CLOCK", False) and not settings.DEBUG:
        return [
            Error(
                "JOURNEYS_DEMO_CLOCK is on without DEBUG.",
                hint="The demo clock rewrites order timelines: unset JOURNEYS_DEMO_CLOCK.",
                id="journeys.E003",
            )
        ]
    return []
