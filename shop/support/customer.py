"""What an agent sees beside a conversation: who the customer is and what they did with us."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.utils import timezone

from personalization.facts import ANSWER_PREFIX, fact_display, fact_label, fact_spec
from personalization.visitor import Visitor
from shop.offers.models import PersonalVoucher
from shop.orders.models import Order

from .models import Conversation

# Facts the inbox shows on their own line rather than in the list.
HEADLINE_FACTS = ("region", "area", "device", "language")


def visitor_facts_capture(visitor: Visitor) -> dict[str, Any]:
    """The facts /why/ shows the visitor, as plain values, kept with their message. Personal
    facts (an IP address) stay out; profile answers only with consent to personalization."""
    consent = visitor.allows("personalization")
    kept: dict[str, Any] = {}
    for name, fact in visitor:
        spec = fact_spec(name)
        if spec is None or not spec.shown or fact.value is None:
            continue
        if name.startswith(ANSWER_PREFIX):
            if not consent:
                continue
        elif spec.personal:
            continue
        value = fact.value
        if isinstance(value, datetime.datetime | datetime.date | datetime.time):
            value = value.isoformat()
        elif isinstance(value, tuple | frozenset | set):
            value = list(value)
        kept[name] = {"value": value, "source": str(fact.source)}
    return kept


def _shown(name: str, value: Any) -> str:
    try:
        return fact_display(name, value)
    except Exception:  # a value stored under an older definition of the fact
        return str(value)


def customer_context(conversation: Conversation, *, now: datetime.datetime | None = None) -> dict:
    """Orders, vouchers, earlier conversations and facts of the conversation's customer."""
    now = now or timezone.now()
    user_id = conversation.user_id
    if user_id:
        orders = Order.objects.filter(user_id=user_id) | Order.objects.filter(
            email__iexact=conversation.email
        )
    else:
        orders = Order.objects.filter(email__iexact=conversation.email)
    earlier = (
        Conversation.objects.of_customer(user_id=user_id, email=conversation.email)
        .exclude(pk=conversation.pk)
        .select_related("assignee")
        .order_by("-updated_at")[:10]
    )
    vouchers = (
        list(PersonalVoucher.objects.filter(owner_id=user_id).usable(at=now)[:10])
        if user_id
        else []
    )
    facts = conversation.visitor_facts or {}
    rows = [
        {"label": fact_label(name), "value": _shown(name, item.get("value"))}
        for name, item in facts.items()
        if isinstance(item, dict) and not name.startswith(ANSWER_PREFIX)
    ]
    headline = {
        name: _shown(name, facts[name]["value"])
        for name in HEADLINE_FACTS
        if isinstance(facts.get(name), dict)
    }
    answers = [
        {"label": fact_label(name), "value": _shown(name, item.get("value"))}
        for name, item in facts.items()
        if name.startswith(ANSWER_PREFIX) and isinstance(item, dict)
    ]
    return {
        "local_time": now.astimezone(zoneinfo.ZoneInfo(conversation.time_zone)),
        "orders": list(orders.order_by("-created_at")[:10]),
        "vouchers": vouchers,
        "earlier": list(earlier),
        "facts": rows,
        "headline": headline,
        "answers": answers,
    }
