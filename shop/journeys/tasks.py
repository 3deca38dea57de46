from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from . import services


# Beat runs this every few minutes; every step of it is safe to run twice at once.
@shared_task
def journeys_run() -> dict[str, int]:
    return asdict(services.journeys_run())
