"""Start-up checks for the next-best-action settings (registered in ActionsConfig.ready()):
a provider path with a typo would otherwise only show as a warning on every page.

- actions.E001: PERSONALIZATION_ACTION_PROVIDERS holds a path that does not import to a function.
- actions.E002: PERSONALIZATION_ACTION_STATE is not a mapping of names to importable functions.
- actions.E003: PERSONALIZATION_ACTION_SNOOZE_HOURS is not a positive number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.checks import Error, register
from django.utils.module_loading import import_string

from ..conf import app_settings


def _importable(path: Any) -> bool:
    try:
        return isinstance(path, str) and callable(import_string(path))
    except ImportError:
        return False


@register()
def action_settings_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    providers = app_settings.ACTION_PROVIDERS
    if isinstance(providers, str) or not all(_importable(p) for p in providers):
        errors.append(
            Error(
                "PERSONALIZATION_ACTION_PROVIDERS must list dotted paths of provider functions.",
                hint=f"One of {providers!r} does not import to a function.",
                id="actions.E001",
            )
        )
    state = app_settings.ACTION_STATE
    if not isinstance(state, Mapping) or not all(
        isinstance(name, str) and _importable(path) for name, path in state.items()
    ):
        errors.append(
            Error(
                "PERSONALIZATION_ACTION_STATE must map names to dotted paths of loader functions.",
                hint=f"Check {state!r}.",
                id="actions.E002",
            )
        )
    hours = app_settings.ACTION_SNOOZE_HOURS
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
        errors.append(
            Error(
                "PERSONALIZATION_ACTION_SNOOZE_HOURS must be a positive number of hours.",
                hint=f"It is {hours!r}.",
                id="actions.E003",
            )
        )
    return errors
