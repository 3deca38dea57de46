from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "shop.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kernel.snapshot import snapshot_register

        from .services import POPULARITY_AREAS

        snapshot_register(POPULARITY_AREAS)
