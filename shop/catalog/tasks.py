from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def make_renditions(image_id: int) -> None:
    services.image_renditions_update(image_id=image_id)
