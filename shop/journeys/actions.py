"""The next best action "you have a message": the newest unread message in the inbox.

Listed in settings.PERSONALIZATION_ACTION_PROVIDERS by dotted path; the framework
(`personalization.actions`) chooses among every provider's actions. Its types are imported
inside the function so this module loads even where the framework is not installed.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Message

if TYPE_CHECKING:
    from personalization.visitor import Visitor

# On the next best action's 0–100 scale: below an order on its way (60–80) and anything about
# a payment, above the seasonal and generic suggestions (20–50).
SCORE = 55


def newest_unread_message(visitor: Visitor, context: Any) -> Iterable[Any]:
    """Offer the newest unread message of the signed-in customer: one query, none for guests."""
    # The framework is another app's; looked up at call time (see the module docstring).
    action_class = import_module("personalization.actions.base").Action
    user = context.user
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    message = (
        Message.objects.shown()
        .filter(user=user, read_at=None)
        .only("pk", "subject", "body", "cta", "sent_at")
        .first()
    )
    if message is None:
        return []
    return [
        action_class(
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
