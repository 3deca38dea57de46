from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "shop.orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from personalization.facts import register_fact

        from . import receivers  # noqa: F401
        from .resolvers import HAS_ORDERED, ORDERED_PETS, RECENT_PURCHASES

        for spec in (HAS_ORDERED, ORDERED_PETS, RECENT_PURCHASES):
            register_fact(spec)
