from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoresConfig(AppConfig):
    name = "shop.stores"
    verbose_name = _("Stores")

    def ready(self) -> None:
        from kernel.snapshot import snapshot_register

        from .nearby import STORES

        snapshot_register(STORES)
