"""`manage.py load_demo`: a demo catalogue, stores and staff accounts for Storefront.

The work is done by `shop.demo.services.demo_load`, from the data files in `shop/demo/data/`.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shop.demo.services import demo_load


class Command(BaseCommand):
    help = "Load demo categories, products with drawn pictures, stores and staff accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-images",
            action="store_true",
            help="Skip drawing product pictures (faster, e.g. for tests).",
        )

    def handle(self, *args: Any, no_images: bool = False, **options: Any) -> None:
        started = time.monotonic()
        report = demo_load(images=not no_images)
        for line in report.tally_lines:
            self.stdout.write(line)
        if report.pictures is None:
            self.stdout.write("Product images: skipped (--no-images)")
        else:
            self.stdout.write(f"Product images: {report.pictures} created")
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f} s.")
        )
