from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentsConfig(AppConfig):
    name = "personalization.experiments"
    label = "experiments"
    verbose_name = _("Experiments")

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .facts import register_experiment_facts

        register_experiment_facts()
