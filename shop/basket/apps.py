from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasketConfig(AppConfig):
    name = "shop.basket"
    verbose_name = _("Basket")

    def ready(self) -> None:
        from . import signals  # noqa: F401
