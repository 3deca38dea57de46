from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalizationConfig(AppConfig):
    name = "personalization"
    verbose_name = _("Personalization")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401
        from .facts import register_fact_source
        from .profiling import answer_facts

        register_fact_source(answer_facts)
