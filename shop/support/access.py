"""Who may read a conversation, and how often shoppers may write.

A shopper reaches a conversation through a signed link that expires (sent by e-mail, kept by
the page that asked); their account reaches its own at any time; staff need the Support
group's `support.view_conversation`. A token alone, or a conversation's id, gives nothing."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from personalization.resolvers.network import client_address
from shop.cache import throttle_uncounted

from .models import Conversation

SESSION_KEY = "support_tokens"


def conversation_remember(request: HttpRequest, conversation: Conversation) -> None:
    tokens = request.session.get(SESSION_KEY, [])
    if conversation.token not in tokens:
        request.session[SESSION_KEY] = [*tokens, conversation.token][-20:]


def session_tokens(request: HttpRequest) -> list[str]:
    return list(request.session.get(SESSION_KEY, []))


def is_agent(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_authenticated and user.is_staff and user.has_perm("support.view_conversation")
    )


def conversation_visible(
    request: HttpRequest, conversation: Conversation, *, link_valid: bool
) -> bool:
    """A valid link, the owner's account, or an agent. An expired link still works for the
    account it belongs to and for the browser that asked (its session)."""
    if link_valid or is_agent(request):
        return True
    user = request.user
    if user.is_authenticated and conversation.user_id == user.pk:
        return True
    return conversation.token in session_tokens(request)


def writing_limited(request: HttpRequest, *, starting: bool) -> bool:
    """Whether this client has written too much lately (django-ratelimit, per client address).

    Fails open when the shared cache cannot count: a question is never lost to an outage."""
    rates = settings.SHOP_SUPPORT_RATES
    group, rate = (
        ("support.start", rates["start"]) if starting else ("support.message", rates["message"])
    )
    usage = get_usage(
        request,
        group=group,
        key=lambda group, request: client_address(request),
        rate=rate,
        method="POST",
        increment=True,
    )
    if usage is None or throttle_uncounted(usage):
        return False
    return bool(usage["should_limit"])
