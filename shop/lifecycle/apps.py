from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    """After the order: next best actions from the shop's state, care guides, reviews."""

    name = "shop.lifecycle"
    label = "lifecycle"
    verbose_name = _("After the order")

    def ready(self) -> None:
        from kernel.snapshot import snapshot_register

        from .guides import CARE_GUIDES, REVIEWS

        snapshot_register(CARE_GUIDES)
        snapshot_register(REVIEWS)
