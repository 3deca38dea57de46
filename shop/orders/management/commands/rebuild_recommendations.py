from __future__ import annotations

from django.core.management.base import BaseCommand

from shop.orders.recommending import recommendations_rebuild


class Command(BaseCommand):
    help = "Rebuild bought-together pairs and seasonal popularity (also run nightly by beat)."

    def handle(self, *args, **options) -> None:
        counts = recommendations_rebuild()
        self.stdout.write(
            f"Recommendations rebuilt: {counts['neighbours']} pairs, "
            f"{counts['popularity']} popularity rows."
        )
