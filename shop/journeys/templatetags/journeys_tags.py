from __future__ import annotations

from typing import Any

from django import template

from ..models import Message

register = template.Library()


@register.simple_tag
def unread_message_count(user: Any) -> int:
    """How many messages the signed-in customer has not opened (one query; 0 for guests)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Message.objects.shown().filter(user=user, read_at=None).count()
