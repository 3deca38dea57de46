from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "shop.orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
