from __future__ import annotations

from django.core.management.base import BaseCommand

from shop.checkout.reconciliation import payments_reconcile


class Command(BaseCommand):
    help = "Settle unfinished payments and charges with no order (also run by beat every 5 min)."

    def handle(self, *args, **options) -> None:
        done = payments_reconcile()
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(done.items()))
        self.stdout.write(f"Payments reconciled: {summary or 'nothing to do'}.")
