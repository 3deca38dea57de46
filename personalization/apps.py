from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalizationConfig(AppConfig):
    name = "personalization"
    verbose_name = _("Personalization")

    def ready(self) -> None:
        from kernel.snapshot import Snapshot, snapshot_register

        from . import checks, signals  # noqa: F401
        from .facts import register_fact_source
        from .models import REGION_SETS
        from .profiling import QUESTIONS, answer_facts
        from .slots import CONTENT

        register_fact_source(answer_facts)
        snapshots: tuple[Snapshot[Any], ...] = (REGION_SETS, CONTENT, QUESTIONS)
        for declared in snapshots:
            snapshot_register(declared)
