from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def purge_abandoned_baskets() -> dict[str, int]:
    """Nightly: expired sessions and the anonymous baskets nobody can come back to."""
    purged = services.baskets_abandoned_purge(now=timezone.now())
    return purged._asdict()
