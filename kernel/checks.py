"""Start-up checks for the kernel's settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import FieldDoesNotExist


@register()
def snapshot_version_model_check(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[Error]:
    """KERNEL_SNAPSHOT_VERSION_MODEL names an installed model with `name` and `version`."""
    label = getattr(settings, "KERNEL_SNAPSHOT_VERSION_MODEL", "")
    hint = (
        'Set KERNEL_SNAPSHOT_VERSION_MODEL to "app_label.ModelName" of a model with a `name` '
        'primary key and a `version` field, e.g. "personalization.SnapshotVersion".'
    )
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return [
            Error(
                f"KERNEL_SNAPSHOT_VERSION_MODEL {label!r} is not an installed model.",
                hint=hint,
                id="kernel.E001",
            )
        ]
    try:
        model._meta.get_field("name")
        model._meta.get_field("version")
    except FieldDoesNotExist as error:
        return [
            Error(f"KERNEL_SNAPSHOT_VERSION_MODEL {label!r}: {error}", hint=hint, id="kernel.E001")
        ]
    return []
