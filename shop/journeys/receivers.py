"""Journeys' part of "Download my data" and "Erase my data" (personalization's signals)."""

from __future__ import annotations

from datetime import datetime

from django.dispatch import receiver

from personalization.profiling import data_erased, data_exported

from .models import Contact, Message, Run


@receiver(data_exported, dispatch_uid="journeys_export")
def export_messages(sender, request, **kwargs) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    contact = Contact.objects.filter(user=user).first()
    return {
        "inbox": {
            "marketing_emails": bool(contact and contact.marketing_email),
            "messages": [
                {
                    "subject": message.subject,
                    "text": message.body,
                    "sent": _moment(message.sent_at),
                    "emailed": _moment(message.emailed_at),
                    "opened": _moment(message.read_at),
                    "clicked": _moment(message.clicked_at),
                }
                for message in Message.objects.shown().filter(user=user)
            ],
        }
    }


@receiver(data_erased, dispatch_uid="journeys_erase")
def erase_messages(sender, request, **kwargs) -> None:
    """Messages quote the customer's name and orders: they go, with the runs and the contact."""
    if request.user.is_authenticated:
        Message.objects.filter(user=request.user).delete()
        Run.objects.filter(user=request.user).delete()
        Contact.objects.filter(user=request.user).delete()


def _moment(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
