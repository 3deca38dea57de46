from __future__ import annotations

from celery import shared_task

from . import reconciliation


@shared_task
def payments_reconcile() -> dict[str, int]:
    return reconciliation.payments_reconcile()
