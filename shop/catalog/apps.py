from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "shop.catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from kernel.snapshot import snapshot_register

        from .snapshots import CATALOG

        snapshot_register(CATALOG)
