from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "shop.offers"
    verbose_name = _("Offers")

    def ready(self) -> None:
        from . import receivers, signals  # noqa: F401
