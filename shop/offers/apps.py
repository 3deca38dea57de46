from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "shop.offers"
    verbose_name = _("Offers")

    def ready(self) -> None:
        from shop.catalog.listing import register_listing_pricer

        from . import receivers, signals  # noqa: F401
        from .applicator import request_list_prices

        register_listing_pricer(request_list_prices)
