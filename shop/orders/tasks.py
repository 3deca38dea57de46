from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=8)
def send_order_event_email(event_id: int) -> None:
    services.order_event_email_send(event_id=event_id)


@shared_task
def send_pending_order_emails() -> int:
    return services.order_emails_send_pending()
