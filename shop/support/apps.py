from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "shop.support"
    verbose_name = _("Customer support")

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401
