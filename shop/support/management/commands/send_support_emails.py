from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shop.support.services import reply_emails_send_pending


class Command(BaseCommand):
    help = (
        "E-mail the support replies shoppers have not seen on the page (beat does this every "
        "minute; without a worker, run it by hand)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = reply_emails_send_pending()
        self.stdout.write(f"Support replies e-mailed: {sent}.")
