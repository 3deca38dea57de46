from __future__ import annotations

from celery import shared_task

from . import services


# No Celery retries: the message keeps its own count and back-off, and the sweep tries again.
@shared_task
def send_support_reply_email(message_id: int) -> bool:
    return services.reply_email_send(message_id=message_id)


@shared_task
def send_pending_support_emails() -> int:
    return services.reply_emails_send_pending()
