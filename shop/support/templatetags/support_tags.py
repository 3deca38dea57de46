from __future__ import annotations

from typing import Any

from django import template

from ..models import Conversation
from ..services import conversation_link_token

register = template.Library()


@register.inclusion_tag("support/partials/_my_conversations.html")
def support_conversations(user: Any) -> dict:
    """A signed-in shopper's conversations, each with a fresh link (for the account page)."""
    rows = (
        list(Conversation.objects.filter(user=user).select_related("assignee")[:10])
        if user.is_authenticated
        else []
    )
    return {
        "agent": user.is_staff and user.has_perm("support.view_conversation"),
        "conversations": [
            (conversation, conversation_link_token(conversation)) for conversation in rows
        ],
    }
