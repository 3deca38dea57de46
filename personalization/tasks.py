from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def make_variant_renditions(variant_id: int) -> None:
    services.variant_renditions_update(variant_id=variant_id)
