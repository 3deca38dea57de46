from __future__ import annotations

from celery import shared_task

from . import vouchers


@shared_task
def purge_vouchers() -> int:
    """Nightly: vouchers long past their end leave the database (orders keep their discount)."""
    return vouchers.vouchers_purge()
