"""Support conversations: asking, answering, live updates, reply e-mails, the promise."""

from __future__ import annotations

import datetime
import logging
import re
import zoneinfo
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from shop.orders.models import Order
from shop.orders.services import email_claim, email_failure_is_permanent

from .hours import Estimate, Team, estimate, team_load
from .models import Conversation, ConversationStatus, Message, SavedReply, Topic, Waiting

if TYPE_CHECKING:
    from accounts.models import User
    from shop.catalog.models import Product

logger = logging.getLogger(__name__)

LINK_SALT = "support.conversation"
VERSION_KEY = "support:v:{token}"


# Links: a conversation is reached by a signed, expiring link, never by its id.


def conversation_link_token(conversation: Conversation) -> str:
    return signing.dumps(conversation.token, salt=LINK_SALT)


class LinkExpired(Exception):
    """The signature is right but the link is older than SHOP_SUPPORT_LINK_DAYS."""

    def __init__(self, token: str) -> None:
        self.token = token


def link_token_read(signed: str) -> str | None:
    """The conversation token a link carries; None if forged. Raises LinkExpired when old."""
    max_age = datetime.timedelta(days=settings.SHOP_SUPPORT_LINK_DAYS)
    try:
        return str(signing.loads(signed, salt=LINK_SALT, max_age=max_age))
    except signing.SignatureExpired:
        raise LinkExpired(str(signing.loads(signed, salt=LINK_SALT))) from None
    except signing.BadSignature:
        return None


# Live updates: each conversation's version is mirrored in the cache, so a page that polls
# while nothing changed costs no query. Without the cache (Redis down) the database answers.
# A copy is trusted for SHOP_SUPPORT_VERSION_MAX_AGE seconds only: a bump that could not reach
# a hung Redis leaves an old copy there, and a reply must not stay hidden behind it for long.


def _version_max_age() -> int:
    return settings.SHOP_SUPPORT_VERSION_MAX_AGE


def version_publish(conversation: Conversation) -> None:
    key = VERSION_KEY.format(token=conversation.token)
    cache.set(key, conversation.version, _version_max_age())


def version_current(token: str) -> int | None:
    """The conversation's version, from the cache, else the database (None: no such token)."""
    key = VERSION_KEY.format(token=token)
    version = cache.get(key)
    if version is not None:
        return int(version)
    found = Conversation.objects.filter(token=token).values_list("version", flat=True).first()
    if found is not None:
        cache.set(key, found, _version_max_age())
    return found


def _bump(conversation: Conversation, **fields: Any) -> None:
    """Save the changed fields with a new version; publish it once committed."""
    Conversation.objects.filter(pk=conversation.pk).update(version=F("version") + 1, **fields)
    conversation.refresh_from_db()
    transaction.on_commit(partial(version_publish, conversation))


# Text: messages are plain text. Controls go, lines are kept, output is escaped by templates.

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def text_clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# The promise.


def shopper_zone(*, user: Any, visitor_zone: str | None) -> str:
    """The shopper's time zone: their account's, else their browser's, else the team's."""
    for zone in (getattr(user, "time_zone", "") or "", visitor_zone or ""):
        if zone in zoneinfo.available_timezones():
            return zone
    return settings.SHOP_SUPPORT_HOURS["time_zone"]


def _day_words(moment: datetime.datetime, now: datetime.datetime) -> str:
    days = (moment.date() - now.date()).days
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    return _("on %(day)s") % {"day": date_format(moment, "l") + " " + date_format(moment, "j M")}


def estimate_sentence(
    *, promise: Estimate, team: Team, now: datetime.datetime, zone_name: str
) -> str:
    """The personal answer to a question, in the active language."""
    zone = zoneinfo.ZoneInfo(zone_name)
    here = now.astimezone(team.zone)
    theirs = now.astimezone(zone)
    by = promise.answer_by.astimezone(zone)
    who = promise.agent_name or _("Our team")
    same_zone = here.utcoffset() == theirs.utcoffset()
    answer = _("%(who)s will answer by %(time)s your time %(day)s.") % {
        "who": who,
        "time": by.strftime("%H:%M"),
        "day": _day_words(by, theirs),
    }
    if promise.open_now:
        return _("We are here. %(answer)s") % {"answer": answer}
    if same_zone:
        closed = _("We're closed — it is %(time)s here in %(city)s.") % {
            "time": here.strftime("%H:%M"),
            "city": _(team.city),
        }
    else:
        closed = _(
            "We're closed — it is %(time)s here in %(city)s and %(local)s where you are."
        ) % {
            "time": here.strftime("%H:%M"),
            "city": _(team.city),
            "local": theirs.strftime("%H:%M"),
        }
    return f"{closed} {answer}"


def agents_before(*, user_id: int | None, email: str) -> list[int]:
    """The agents who answered this customer before (wrote to them), most recent first."""
    customer = Conversation.objects.of_customer(user_id=user_id, email=email)
    rows = (
        Message.objects.filter(conversation__in=customer, author__is_active=True)
        .order_by("-created_at")
        .values_list("author_id", flat=True)[:20]
    )
    return list(dict.fromkeys(rows))[:5]


# Use cases.


def conversation_start(
    *,
    user: User | None,
    email: str,
    name: str,
    language: str,
    zone_name: str,
    topic: str,
    body: str,
    order: Order | None = None,
    product: Product | None = None,
    attachment: UploadedFile | None = None,
    facts: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> Conversation:
    """Open a conversation with its first message, an agent, and the promise of an answer."""
    now = now or timezone.now()
    email = email.strip().lower()
    team = team_load()
    user_id = user.pk if user is not None else None
    promise = estimate(
        team=team, now=now, preferred_agent_ids=agents_before(user_id=user_id, email=email)
    )
    with transaction.atomic():
        conversation = Conversation.objects.create(
            user=user,
            email=email,
            name=name,
            language=language,
            time_zone=zone_name,
            topic=topic if order is None else Topic.ORDER,
            order=order,
            product=product,
            assignee_id=promise.agent_id,
            due_at=promise.answer_by,
            local_hour=now.astimezone(zoneinfo.ZoneInfo(zone_name)).hour,
            visitor_facts=facts or {},
            created_at=now,
            updated_at=now,
        )
        Message.objects.create(
            conversation=conversation, body=body, attachment=attachment or "", created_at=now
        )
        _notice_add(conversation, promise=promise, team=team, now=now)
        transaction.on_commit(partial(version_publish, conversation))
    return conversation


def _notice_add(
    conversation: Conversation, *, promise: Estimate, team: Team, now: datetime.datetime
) -> None:
    """The promise, written in the shopper's language as a message from the shop."""
    with translation.override(conversation.language):
        text = estimate_sentence(
            promise=promise, team=team, now=now, zone_name=conversation.time_zone
        )
    Message.objects.create(
        conversation=conversation,
        body=text,
        from_staff=True,
        created_at=now,
        # Never e-mailed: the shopper reads it at once, on the page that asked.
        seen_at=now,
        emailed_at=now,
    )


class ConversationClosed(Exception):
    """A rated conversation is finished; new questions start a new one."""


def message_add(
    *,
    conversation: Conversation,
    body: str,
    attachment: UploadedFile | None = None,
    facts: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> Message:
    """A shopper writes again. A closed conversation opens again, with a new promise."""
    now = now or timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.csat is not None:
            raise ConversationClosed
        message = Message.objects.create(
            conversation=conversation, body=body, attachment=attachment or "", created_at=now
        )
        fields: dict[str, Any] = {"updated_at": now, "waiting": Waiting.US}
        if facts:
            fields["visitor_facts"] = facts
        if conversation.waiting != Waiting.US or not conversation.is_open:
            team = team_load()
            preferred = [conversation.assignee_id] if conversation.assignee_id else []
            promise = estimate(team=team, now=now, preferred_agent_ids=preferred)
            fields.update(
                status=ConversationStatus.OPEN,
                closed_at=None,
                due_at=promise.answer_by,
                assignee_id=conversation.assignee_id or promise.agent_id,
            )
            if not promise.open_now:
                _notice_add(conversation, promise=promise, team=team, now=now)
        _bump(conversation, **fields)
    return message


def reply_add(
    *,
    conversation: Conversation,
    agent: User,
    body: str,
    close: bool = False,
    now: datetime.datetime | None = None,
) -> Message:
    """An agent answers. The shopper sees it on the open page; if they do not within
    SHOP_SUPPORT_EMAIL_DELAY seconds, it is e-mailed."""
    now = now or timezone.now()
    delay = datetime.timedelta(seconds=settings.SHOP_SUPPORT_EMAIL_DELAY)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        message = Message.objects.create(
            conversation=conversation,
            author=agent,
            from_staff=True,
            body=body,
            created_at=now,
            email_next_attempt_at=now + delay,
        )
        fields: dict[str, Any] = {"updated_at": now, "waiting": Waiting.SHOPPER}
        if conversation.first_response_at is None:
            fields["first_response_at"] = now
        # The conversation, and this customer's next one, go to whoever answered last.
        fields["assignee"] = agent
        if close:
            fields.update(status=ConversationStatus.CLOSED, closed_at=now)
        _bump(conversation, **fields)
        transaction.on_commit(partial(reply_email_queue, message_id=message.pk, delay=delay))
    return message


def conversation_close(*, conversation: Conversation, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        _bump(conversation, status=ConversationStatus.CLOSED, closed_at=now)


def csat_record(*, conversation: Conversation, score: int) -> bool:
    """Record "was this helpful?" once, for a closed conversation; returns whether it counted."""
    with transaction.atomic():
        counted = Conversation.objects.filter(
            pk=conversation.pk, status=ConversationStatus.CLOSED, csat__isnull=True
        ).update(csat=score)
        if counted:
            _bump(conversation)
    return bool(counted)


def replies_seen(*, conversation: Conversation, now: datetime.datetime | None = None) -> int:
    """The shopper has the replies on screen: they need no e-mail."""
    return Message.objects.filter(
        conversation=conversation, from_staff=True, seen_at__isnull=True
    ).update(seen_at=now or timezone.now())


# Saved replies.

_PLACEHOLDER = re.compile(r"\{(name|order_number|delivery_estimate)\}")


def saved_reply_fill(*, reply: SavedReply, conversation: Conversation) -> str:
    """The reply in the customer's language with its placeholders filled. Only the known
    placeholders are replaced, once, with plain text (a name holding "{order_number}" stays
    as typed); the result is a message like any other, escaped when shown."""
    with translation.override(conversation.language):
        text = str(reply.body)
        order = conversation.order
        values = {
            "name": conversation.name or _("there"),
            "order_number": order.number if order else "",
            "delivery_estimate": _delivery_estimate(order) if order else "",
        }
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def _delivery_estimate(order: Order) -> str:
    from shop.orders.models import OrderStatus

    if order.status == OrderStatus.DELIVERED:
        return _("already delivered")
    if order.status == OrderStatus.CANCELLED:
        return _("not coming: the order was cancelled")
    days = settings.SHOP_SUPPORT_DELIVERY_DAYS.get(order.shipping_method, 3)
    expected = order.created_at + datetime.timedelta(days=days)
    zone = zoneinfo.ZoneInfo(settings.SHOP_SUPPORT_HOURS["time_zone"])
    return date_format(expected.astimezone(zone).date(), "DATE_FORMAT")


# Reply e-mails: the outbox of order e-mails, for messages.


def reply_email_queue(*, message_id: int, delay: datetime.timedelta) -> None:
    from .tasks import send_support_reply_email

    try:
        send_support_reply_email.apply_async((message_id,), countdown=delay.total_seconds())
    except Exception:
        logger.warning(
            "Could not queue the e-mail of support message %s", message_id, exc_info=True
        )


def reply_email_send(*, message_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one reply's e-mail if it is due (claimed first, as order e-mails are)."""
    now = now or timezone.now()
    message = email_claim(due=Message.objects.email_due(at=now), pk=message_id, now=now)
    if message is None:
        return False
    conversation = message.conversation
    try:
        with translation.override(conversation.language):
            context = {
                "conversation": conversation,
                "message": message,
                "agent": message.author.first_name if message.author else "",
                "link": settings.SHOP_SITE_URL
                + reverse("support:conversation", args=[conversation_link_token(conversation)]),
                "shop_name": settings.SHOP_NAME,
            }
            subject = render_to_string("support/email/subject.txt", context).strip()
            body = render_to_string("support/email/body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [conversation.email])
    except Exception as error:  # one bad e-mail never stops the others
        permanent = email_failure_is_permanent(error)
        gave_up = permanent or message.email_attempts >= settings.SHOP_EMAIL_MAX_ATTEMPTS
        fields: dict[str, Any] = {
            "email_error": f"{type(error).__name__}: {error}".replace(
                conversation.email, "(customer)"
            )[:300]
        }
        if gave_up:
            fields.update(email_failed_at=timezone.now(), email_next_attempt_at=None)
        Message.objects.filter(pk=message.pk).update(**fields)
        logger.warning(
            "The e-mail of support message %s failed: %s", message.pk, fields["email_error"]
        )
        return False
    Message.objects.filter(pk=message.pk).update(emailed_at=timezone.now(), email_error="")
    return True


def reply_emails_send_pending(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    due = list(
        Message.objects.email_due(at=now)
        .order_by("email_next_attempt_at")
        .values_list("pk", flat=True)
    )
    return sum(reply_email_send(message_id=pk, now=now) for pk in due)
