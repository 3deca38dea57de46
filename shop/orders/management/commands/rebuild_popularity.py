from __future__ import annotations

from django.core.management.base import BaseCommand

from shop.orders.popularity import popularity_rebuild


class Command(BaseCommand):
    help = "Rebuild regional popularity from the last year of orders (also run nightly by beat)."

    def handle(self, *args, **options) -> None:
        rows = popularity_rebuild()
        self.stdout.write(f"Regional popularity rebuilt: {rows} rows.")
