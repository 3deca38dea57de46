from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "personalization.actions"
    label = "actions"
    verbose_name = _("Next best actions")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401
