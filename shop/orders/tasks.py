from __future__ import annotations

from celery import shared_task

from . import recommending, services


# No Celery retries: the event keeps its own count and back-off, and the sweep tries it again.
@shared_task
def send_order_event_email(event_id: int) -> bool:
    return services.order_event_email_send(event_id=event_id)


@shared_task
def send_pending_order_emails() -> int:
    return services.order_emails_send_pending()


@shared_task
def rebuild_recommendations() -> dict[str, int]:
    """Nightly: bought-together pairs and what sells where in which season."""
    return recommending.recommendations_rebuild()
