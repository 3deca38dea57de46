"""The next best action "you have a message": the newest unread message in the inbox.

The message is shop state like the orders and the basket: a loader listed in
settings.PERSONALIZATION_ACTION_STATE fetches it once per request (one query, none for
guests), and the provider listed in PERSONALIZATION_ACTION_PROVIDERS offers it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from personalization.actions.base import Action, ActionContext
from personalization.visitor import Visitor

from .models import Message

# On the next best action's 0–100 scale: below an order on its way (60–80) and anything about
# a payment, above the seasonal and generic suggestions (20–50).
SCORE = 55


def unread_message(visitor: Visitor, context: ActionContext) -> Message | None:
    """The signed-in customer's newest unread message (shared state: loaded once per request)."""
    user = context.user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Message.objects.shown()
        .filter(user=user, read_at=None)
        .only("pk", "subject", "body", "cta", "sent_at")
        .first()
    )


def newest_unread_message(visitor: Visitor, context: ActionContext) -> Iterable[Action]:
    """Offer the newest unread message, if there is one."""
    message = context.shared("message")
    if message is None:
        return []
    return [
        Action(
            kind="journey-message",
            key=f"journey-message:{message.pk}",
            title=message.subject,
            url=reverse("journeys:detail", kwargs={"pk": message.pk}),
            cta=_("Read the message"),
            score=SCORE,
            why=_("You have an unread message from us in your account."),
            body=message.body[:200],
        )
    ]
