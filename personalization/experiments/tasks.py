from __future__ import annotations

from celery import shared_task

from .services import events_drain, events_purge


@shared_task
def drain_events() -> int:
    """Write buffered experiment events to the database (Celery beat, every few seconds)."""
    return events_drain()


@shared_task
def purge_events() -> int:
    """Delete raw experiment events past their retention window (nightly)."""
    return events_purge()
