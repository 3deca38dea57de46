from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    name = "kernel"
    label = "kernel"
    verbose_name = _("Kernel")

    def ready(self) -> None:
        from . import checks  # noqa: F401
