from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    name = "kernel"
    label = "kernel"
    verbose_name = _("Kernel")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from . import checks  # noqa: F401
        from .snapshot import request_versions_end, request_versions_start

        # Snapshot versions are read once per request (kernel/snapshot.py).
        request_started.connect(request_versions_start, dispatch_uid="kernel:snapshot-versions")
        request_finished.connect(request_versions_end, dispatch_uid="kernel:snapshot-versions")
