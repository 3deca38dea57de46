"""Customer support: the Support agent, shifts, saved replies (EN and JA) and conversations,
from `support_*.json`. Conversations are made once (their tokens start with "demo-")."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from shop.demo.loaders.accounts import users_load
from shop.demo.rows import CREATED, UNCHANGED, Tally, records_read, upsert
from shop.orders.models import Order
from shop.support.models import (
    Conversation,
    ConversationStatus,
    Message,
    SavedReply,
    Shift,
    Waiting,
)


@dataclass(frozen=True, kw_only=True)
class DemoShift:
    agent: str
    weekdays: list[int]
    starts: str
    ends: str


@dataclass(frozen=True, kw_only=True)
class DemoReply:
    title_en: str
    title_ja: str
    body_en: str
    body_ja: str


@dataclass(frozen=True, kw_only=True)
class DemoConversation:
    email: str
    name: str
    language: str
    time_zone: str
    topic: str
    order_of: str | None
    agent: str
    hours_ago: int
    messages: list[list[Any]]  # [who, text, minutes after the question]
    closed: bool
    csat: int | None
    facts: dict[str, Any]


def support_load(*, tally: Tally) -> list[str]:
    """Load the Support agent (after the other staff: shifts name the admin too), then the rest."""
    notes = users_load(tally=tally, name="support_users")
    users = {user.email: user for user in get_user_model()._default_manager.filter(is_staff=True)}
    for shift in records_read(name="support_shifts", record=DemoShift):
        agent = users[shift.agent]
        for day in shift.weekdays:
            _shift, outcome = upsert(
                Shift,
                {"agent": agent, "weekday": day},
                {
                    "starts": datetime.time.fromisoformat(shift.starts),
                    "ends": datetime.time.fromisoformat(shift.ends),
                },
            )
            tally.add("Support shifts", outcome)
    for reply in records_read(name="support_replies", record=DemoReply):
        _reply, outcome = upsert(
            SavedReply,
            {"title_en": reply.title_en},
            {"title_ja": reply.title_ja, "body_en": reply.body_en, "body_ja": reply.body_ja},
        )
        tally.add("Saved replies", outcome)
    _conversations_load(tally=tally, users=users)
    return notes


def _conversations_load(*, tally: Tally, users: dict[str, Any]) -> None:
    if Conversation.objects.filter(token__startswith="demo-").exists():
        tally.add("Support conversations", UNCHANGED)
        return
    now = timezone.now()
    for demo in records_read(name="support_conversations", record=DemoConversation):
        asked = now - datetime.timedelta(hours=demo.hours_ago)
        agent = users[demo.agent]
        order = Order.objects.filter(email=demo.order_of).first() if demo.order_of else None
        answered = [m for m in demo.messages if m[0] == "agent"]
        last = asked + datetime.timedelta(minutes=demo.messages[-1][2])
        conversation = Conversation.objects.create(
            token=f"demo-{secrets.token_urlsafe(12)}",
            email=demo.email,
            name=demo.name,
            language=demo.language,
            time_zone=demo.time_zone,
            topic=demo.topic,
            order=order,
            assignee=agent,
            status=ConversationStatus.CLOSED if demo.closed else ConversationStatus.OPEN,
            waiting=Waiting.SHOPPER if demo.messages[-1][0] == "agent" else Waiting.US,
            due_at=asked + datetime.timedelta(hours=1),
            local_hour=asked.astimezone(_zone(demo.time_zone)).hour,
            first_response_at=asked + datetime.timedelta(minutes=answered[0][2])
            if answered
            else None,
            visitor_facts=demo.facts,
            csat=demo.csat,
            created_at=asked,
            updated_at=last,
            closed_at=last if demo.closed else None,
        )
        for who, text, minutes in demo.messages:
            at = asked + datetime.timedelta(minutes=minutes)
            staff = who == "agent"
            Message.objects.create(
                conversation=conversation,
                author=agent if staff else None,
                from_staff=staff,
                body=text,
                created_at=at,
                # History: nothing to e-mail.
                seen_at=at if staff else None,
                emailed_at=at if staff else None,
            )
    tally.add("Support conversations", CREATED)


def _zone(name: str) -> datetime.tzinfo:
    import zoneinfo

    return zoneinfo.ZoneInfo(name)
