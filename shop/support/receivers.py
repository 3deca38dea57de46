"""Conversations in "Download my data" and "Erase my data" (personalization's signals)."""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver

from personalization.profiling import data_erased, data_exported

from .access import SESSION_KEY, session_tokens
from .models import Conversation


def _conversations(request):
    tokens = session_tokens(request)
    condition = Q(token__in=tokens)
    if request.user.is_authenticated:
        condition |= Q(user=request.user)
    return (
        Conversation.objects.filter(condition)
        if tokens or request.user.is_authenticated
        else Conversation.objects.none()
    )


@receiver(data_exported, dispatch_uid="support_export")
def export_conversations(sender, request, **kwargs) -> dict:
    rows = _conversations(request).prefetch_related("messages__author")
    return {
        "support_conversations": [
            {
                "asked": conversation.created_at.isoformat(),
                "topic": conversation.topic,
                "email": conversation.email,
                "name": conversation.name,
                "status": conversation.status,
                "helpful": conversation.csat,
                "visitor_facts": conversation.visitor_facts,
                "messages": [
                    {
                        "at": message.created_at.isoformat(),
                        "from": (message.author.first_name if message.author else "Storefront")
                        if message.from_staff
                        else "you",
                        "text": message.body,
                        "picture": message.attachment.name or None,
                    }
                    for message in conversation.messages.all()
                ],
            }
            for conversation in rows
        ]
    }


@receiver(data_erased, dispatch_uid="support_erase")
def erase_conversations(sender, request, **kwargs) -> None:
    """Conversations are no record the law asks us to keep: they go, pictures included."""
    for conversation in _conversations(request).prefetch_related("messages"):
        for message in conversation.messages.all():
            if message.attachment:
                message.attachment.delete(save=False)
        conversation.delete()
    request.session.pop(SESSION_KEY, None)
