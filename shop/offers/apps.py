from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "shop.offers"
    verbose_name = _("Offers")

    def ready(self) -> None:
        from kernel.snapshot import snapshot_register
        from shop.catalog.listing import register_listing_pricer

        from . import receivers  # noqa: F401
        from .applicator import OFFERS, request_list_prices

        snapshot_register(OFFERS)
        register_listing_pricer(request_list_prices)
