from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    """Lifecycle journeys: triggers, delayed steps, on-site messages and e-mails."""

    name = "shop.journeys"
    label = "journeys"
    verbose_name = _("Journeys")

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401
